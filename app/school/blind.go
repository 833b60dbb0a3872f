package school

import (
	"slices"
	"strconv"
	"time"
)

// IdentifyingField is a detail of an application that may tell a reviewer who applied, in a
// small pool even one that names nobody (a country of residence, an institution).
type IdentifyingField string

const (
	IdentName        IdentifyingField = "name" // given and family name, the name in the passport
	IdentEmail       IdentifyingField = "email"
	IdentDateOfBirth IdentifyingField = "date_of_birth"
	IdentGender      IdentifyingField = "gender"
	IdentNationality IdentifyingField = "nationality"
	IdentResidence   IdentifyingField = "residence"
	IdentInstitution IdentifyingField = "institution"
	IdentReferee     IdentifyingField = "referee"      // the referee's name and email
	IdentFileNames   IdentifyingField = "file_names"   // the names the applicant gave the files
	IdentAnswers     IdentifyingField = "text_answers" // answers to short-text extra questions
)

// IdentifyingFields lists every detail blind review may hide, in the order of the form.
var IdentifyingFields = []IdentifyingField{IdentName, IdentEmail, IdentDateOfBirth, IdentGender,
	IdentNationality, IdentResidence, IdentInstitution, IdentReferee, IdentFileNames, IdentAnswers}

// Visibility is what a staff member sees of who applied to an edition. It is the one place that
// decides: handlers strip applications with Hide and templates ask Visible.
type Visibility struct {
	blind bool
	shown []IdentifyingField
}

// VisibilityFor is what a staff member in role sees of edition e's applicants: everything,
// unless the edition reviews blind and they are a reviewer; then none of the identifying details
// but those the organisers chose to show (e.BlindShown). A detail added later is hidden until
// an organiser shows it.
func VisibilityFor(e Edition, role Role) Visibility {
	return Visibility{blind: e.BlindReview && role == RoleReviewer, shown: e.BlindShown}
}

// Blind reports whether the viewer reviews blind: then neither when an application was sent
// nor an order by it is shown either, whatever the settings.
func (v Visibility) Blind() bool { return v.blind }

// Visible reports whether the viewer may see the detail.
func (v Visibility) Visible(f IdentifyingField) bool {
	return !v.blind || slices.Contains(v.shown, f)
}

// Hide removes from a what the viewer may not see. The CV goes with the name, since a CV names
// its author; a file answer is renamed after the reference while file names are hidden.
func (v Visibility) Hide(a *Application, questions []Question) {
	if !v.blind {
		return
	}
	if !v.Visible(IdentName) {
		a.GivenName, a.FamilyName, a.PassportName = "", "", ""
		a.CVUploadID, a.CVFileName = 0, ""
	}
	if !v.Visible(IdentEmail) {
		a.Email = ""
	}
	if !v.Visible(IdentDateOfBirth) {
		a.DateOfBirth = time.Time{}
	}
	if !v.Visible(IdentGender) {
		a.Gender = ""
	}
	if !v.Visible(IdentNationality) { // who needs a visa letter is told by their passport
		a.Nationality, a.VisaLetter = "", false
	}
	if !v.Visible(IdentResidence) {
		a.Residence = ""
	}
	if !v.Visible(IdentInstitution) {
		a.Institution = ""
	}
	if !v.Visible(IdentReferee) {
		a.RefereeName, a.RefereeEmail = "", ""
	}
	if !v.Visible(IdentFileNames) && a.CVUploadID != 0 {
		a.CVFileName = a.Reference + "-cv.pdf"
	}
	answers := make([]Answer, 0, len(a.Answers))
	for _, ans := range a.Answers {
		i := slices.IndexFunc(questions, func(q Question) bool { return q.ID == ans.QuestionID })
		if i >= 0 && questions[i].Kind == QuestionText && !v.Visible(IdentAnswers) {
			continue
		}
		if ans.UploadID != 0 && !v.Visible(IdentFileNames) {
			ans.FileName = BlindFileName(a.Reference, ans.QuestionID)
			ans.Value = ans.FileName
		}
		answers = append(answers, ans)
	}
	a.Answers = answers
}

// HidesHistory reports whether a line of an application's history, by its action, tells what
// the viewer may not see: a visa letter issued or replaced says the applicant needs a visa, so
// tells of the nationality, and so do the follow-up questions corrected, which name the
// passport's lines.
func (v Visibility) HidesHistory(action string) bool {
	switch action {
	case string(DocumentVisaLetter) + "_issued", string(DocumentVisaLetter) + "_replaced", "follow_ups_corrected":
		return !v.Visible(IdentNationality)
	}
	return false
}

// BlindFileName is the name of a file answer while file names are hidden.
func BlindFileName(reference string, questionID int64) string {
	return reference + "-answer-" + strconv.FormatInt(questionID, 10) + ".pdf"
}
