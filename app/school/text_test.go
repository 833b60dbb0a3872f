package school

import "testing"

func TestPlainTextIsWhatAReaderSeesOfMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"**Magistrát** hlavního města", "Magistrát hlavního města"},
		{"See [the city](https://praha.eu) and <https://iom.int>.", "See the city and https://iom.int."},
		{"## Heading\n\nA paragraph\nwrapped.\n\n- one\n- two", "Heading. A paragraph wrapped. one; two."},
		{"Code `a < b` &amp; <b>bold</b> <script>x()</script>", "Code a < b & bold x()"},
		{"- Wait…\n- and see", "Wait… and see."},
		{"", ""},
	}
	for _, tt := range tests {
		if got := PlainText(tt.in); got != tt.want {
			t.Errorf("PlainText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
