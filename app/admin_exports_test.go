package app

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

func TestExportsHoldTheChosenColumnsAndOnlyWhatTheRoleMaySee(t *testing.T) {
	t.Parallel()
	f := newAdminFixture(t)
	base := "/admin/editions/" + strconv.FormatInt(f.summer.ID, 10)
	organiser := signIn(t, f.ts, f.staff.organiser.Email)

	resp, body := organiser.get(t, base+"/export.csv?col=reference&col=family_name&col=nationality")
	wantStatus(t, resp, body, http.StatusOK)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("Content-Type %q", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || strings.Join(rows[0], "|") != "Reference|Family name|Nationality" ||
		rows[1][0] != f.app.Reference || rows[1][1] != "Quartermaine" {
		t.Errorf("rows %q", rows)
	}

	resp, body = organiser.get(t, base+"/export.xlsx?list=participants")
	wantStatus(t, resp, body, http.StatusOK)
	if !strings.HasPrefix(body, "PK") {
		t.Error("the XLSX export is not a zip file")
	}
	resp, body = organiser.get(t, base+"/export.csv?col=password_hash")
	wantStatus(t, resp, body, http.StatusBadRequest)

	// In blind review a reviewer's export leaves out who the applicant is.
	if err := f.ts.store.SetBlindReview(context.Background(), f.summer.ID, true); err != nil {
		t.Fatal(err)
	}
	reviewer := signIn(t, f.ts, f.staff.reviewer.Email)
	resp, body = reviewer.get(t, base+"/export.csv")
	wantStatus(t, resp, body, http.StatusOK)
	for _, hidden := range []string{"Quartermaine", "Zenobia", "zenobia.q@example.org", "Jordan"} {
		if strings.Contains(body, hidden) {
			t.Errorf("a blind reviewer's export contains %q", hidden)
		}
	}
	if !strings.Contains(body, f.app.Reference) {
		t.Error("the blind export lost the reference")
	}
}

func TestExportedValuesNeverRunAsFormulas(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+1": "'+1",
		"-2": "'-2", "@SUM(A1)": "'@SUM(A1)", "Charles University": "Charles University", "": ""} {
		if got := defuseFormula(in); got != want {
			t.Errorf("defuseFormula(%q) = %q, want %q", in, got, want)
		}
	}
}
