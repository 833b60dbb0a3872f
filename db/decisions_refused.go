package db

import "fmt"

// DecisionRefused is a staged decision that can no longer be carried out: its application changed
// since it was staged (withdrawn, erased, decided elsewhere). A release it refuses names it, so the
// organiser knows which decision to change. It wraps school.ErrTransition.
type DecisionRefused struct {
	ApplicationID int64
	Err           error
}

func (e *DecisionRefused) Error() string {
	return fmt.Sprintf("db: the decision staged for application %d: %v", e.ApplicationID, e.Err)
}

func (e *DecisionRefused) Unwrap() error { return e.Err }
