package school

import (
	"slices"
	"strings"
)

// Answer is the reply to one of an edition's extra questions.
type Answer struct {
	QuestionID int64
	Value      string // text, or the chosen options one per line, or "yes"/"no"
	UploadID   int64  // for file questions
	FileName   string
}

// QuestionKind is the kind of answer an extra question takes.
type QuestionKind string

const (
	QuestionText     QuestionKind = "text"
	QuestionLongText QuestionKind = "long_text"
	QuestionSingle   QuestionKind = "single"
	QuestionMultiple QuestionKind = "multiple"
	QuestionYesNo    QuestionKind = "yes_no"
	QuestionFile     QuestionKind = "file"
)

// Question is one of an edition's extra questions.
type Question struct {
	ID        int64
	EditionID int64
	Kind      QuestionKind
	LabelEN   string
	LabelCS   string
	OptionsEN []string
	OptionsCS []string
	Required  bool
	// Retired questions are no longer asked; the answers already given stay readable.
	Retired bool
}

// Label is the question in lang, falling back to the other language.
func (q Question) Label(lang string) string { return pick(lang, q.LabelEN, q.LabelCS) }

// Options are the choices in lang; the stored answer is always the English option, so answers
// stay comparable whatever language the applicant used.
func (q Question) Options(lang string) []string {
	if lang == "cs" && len(q.OptionsCS) == len(q.OptionsEN) {
		return q.OptionsCS
	}
	return q.OptionsEN
}

// AnswerIn is a stored choice answer (the English options, one per line) in lang: each option
// by its label in lang. A line that is no longer one of the options stays as it was stored.
func (q Question) AnswerIn(value, lang string) string {
	labels := q.Options(lang)
	lines := strings.Split(value, "\n")
	for i, line := range lines {
		if n := slices.Index(q.OptionsEN, line); n >= 0 {
			lines[i] = labels[n]
		}
	}
	return strings.Join(lines, "\n")
}
