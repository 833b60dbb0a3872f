package payment

import (
	"bytes"
	"image/png"
	"strings"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// TestQRImageDecodesToItsPayload reads the drawn codes back with a QR decoder, the longest EPC
// payload too (331 bytes): its guidelines allow version 13 at most (69 modules).
func TestQRImageDecodesToItsPayload(t *testing.T) {
	longest := "BCD\n002\n1\nSCT\nKOMBCZPPXXX\n" + strings.Repeat("Ž", 70) + "\nCZ6508000000192000145399\nEUR9999999.99\n\n\n"
	longest += strings.Repeat("x", 331-len(longest))
	for _, payload := range []string{"SPD*1.0*ACC:CZ6508000000192000145399+GIBACZPX*AM:330.00*CC:EUR*X-VS:20270001*MSG:SMS-2027-0001 Petra Nováková",
		longest} {
		raw, err := QRImage(payload)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(raw))
		if err != nil {
			t.Fatal(err)
		}
		if side := img.Bounds().Dx()/moduleSize - 2*quietZone; side > 69 {
			t.Errorf("%d modules a side, more than version 13", side)
		}
		bmp, err := gozxing.NewBinaryBitmapFromImage(img)
		if err != nil {
			t.Fatal(err)
		}
		got, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
		if err != nil {
			t.Fatalf("the code of %.30q does not decode: %v", payload, err)
		}
		if got.GetText() != payload {
			t.Errorf("decoded %q, want %q", got.GetText(), payload)
		}
	}
}
