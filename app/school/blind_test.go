package school

import (
	"testing"
	"time"
)

func TestVisibilityHidesEachDetailUnlessShown(t *testing.T) {
	questions := []Question{{ID: 1, Kind: QuestionText}, {ID: 2, Kind: QuestionLongText}, {ID: 3, Kind: QuestionFile}}
	full := Application{Reference: "SMS-2027-0001", GivenName: "Ada", FamilyName: "Byron", PassportName: "ADA BYRON",
		Email: "ada@example.org", DateOfBirth: time.Date(1990, 1, 2, 0, 0, 0, 0, time.UTC), Gender: "female",
		Nationality: "GB", Residence: "IT", Institution: "Analytical Society", RefereeName: "C. Babbage",
		RefereeEmail: "cb@example.org", VisaLetter: true, CVUploadID: 7, CVFileName: "byron.pdf",
		Answers: []Answer{{QuestionID: 1, Value: "ada.example.org"}, {QuestionID: 2, Value: "Notes on engines"},
			{QuestionID: 3, UploadID: 8, FileName: "byron-plan.pdf", Value: "byron-plan.pdf"}}}
	// What each detail leaves when hidden; every other detail is as it was.
	kept := map[IdentifyingField]func(a Application) bool{
		IdentName: func(a Application) bool {
			return a.GivenName != "" && a.FamilyName != "" && a.PassportName != "" && a.CVUploadID != 0
		},
		IdentEmail:       func(a Application) bool { return a.Email != "" },
		IdentDateOfBirth: func(a Application) bool { return !a.DateOfBirth.IsZero() },
		IdentGender:      func(a Application) bool { return a.Gender != "" },
		IdentNationality: func(a Application) bool { return a.Nationality != "" },
		IdentResidence:   func(a Application) bool { return a.Residence != "" },
		IdentInstitution: func(a Application) bool { return a.Institution != "" },
		IdentReferee:     func(a Application) bool { return a.RefereeName != "" && a.RefereeEmail != "" },
		IdentFileNames:   func(a Application) bool { return a.Answers[len(a.Answers)-1].FileName == "byron-plan.pdf" },
		IdentAnswers:     func(a Application) bool { return a.Answers[0].Value == "ada.example.org" },
	}
	if len(kept) != len(IdentifyingFields) {
		t.Fatalf("the test knows %d details of %d", len(kept), len(IdentifyingFields))
	}
	for _, shown := range IdentifyingFields {
		e := Edition{BlindReview: true, BlindShown: []IdentifyingField{shown}}
		a := full
		VisibilityFor(e, RoleReviewer).Hide(&a, questions)
		for field, isKept := range kept {
			if isKept(a) != (field == shown) {
				t.Errorf("with %s shown, %s kept: %v", shown, field, isKept(a))
			}
		}
		// Who asks for a visa letter needs a visa: that tells of the nationality.
		if a.VisaLetter != (shown == IdentNationality) {
			t.Errorf("with %s shown, the visa letter asked for is kept: %v", shown, a.VisaLetter)
		}
		if a.Answers[len(a.Answers)-2].Value != "Notes on engines" {
			t.Errorf("with %s shown, a long answer is gone", shown)
		}
		for _, role := range []Role{RoleOrganiser, RoleAdmin} {
			b := full
			VisibilityFor(e, role).Hide(&b, questions)
			if b.GivenName != "Ada" || b.Residence != "IT" || len(b.Answers) != 3 {
				t.Errorf("an %s does not see everything: %+v", role, b)
			}
		}
	}
	a := full
	VisibilityFor(Edition{BlindReview: false}, RoleReviewer).Hide(&a, questions)
	if a.GivenName != "Ada" || a.Answers[2].FileName != "byron-plan.pdf" {
		t.Error("without blind review a reviewer does not see everything")
	}
	if full.Answers[2].FileName != "byron-plan.pdf" {
		t.Error("Hide changed the answers of the application it was copied from")
	}
}
