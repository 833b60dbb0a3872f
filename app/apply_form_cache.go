package app

import (
	"context"
	"sync"
	"time"

	"registrar/app/school"
	"registrar/db"
)

// formEdition is what the public application form needs of its edition, read once per
// catalogue version: reading the edition, its questions and its own email wording from the
// database cost a fifth of the CPU time of a submission.
type formEdition struct {
	edition    school.Edition
	questions  []school.Question // shared between requests: read only
	emails     map[string]db.EmailTemplate
	notice     school.PrivacyNotice // its version goes with the consents, its contact in the emails
	references school.References    // the referees the form asks for
}

// formEditions keeps formEdition by slug until the catalogue version changes; every write to
// editions, questions or email templates changes it. The version counts this process's writes
// only, so entries also expire after formEditionTTL: another instance's change shows by then, as
// on the cached public pages.
type formEditions struct {
	mu      sync.RWMutex
	version int64
	loaded  time.Time
	bySlug  map[string]formEdition
}

const formEditionTTL = 15 * time.Second

// formEdition is the public edition with the given slug, its questions, its email wording and
// its privacy notice.
func (s *Server) formEdition(ctx context.Context, slug string) (formEdition, error) {
	version := s.store.CatalogueVersion()
	fe, ok := s.forms.get(version, slug)
	if ok {
		return fe, nil
	}
	e, err := s.store.PublicEdition(ctx, slug)
	if err != nil {
		return fe, err
	}
	questions, err := s.store.Questions(ctx, e.ID)
	if err != nil {
		return fe, err
	}
	emails, err := s.emails.Wordings(ctx, e.ID)
	if err != nil {
		return fe, err
	}
	notice, err := s.store.PrivacyNotice(ctx, e.ID)
	if err != nil {
		return fe, err
	}
	references, err := s.store.References(ctx, e.ID)
	if err != nil {
		return fe, err
	}
	fe = formEdition{edition: e, questions: questions, emails: emails, notice: notice, references: references}
	// Kept under the version read before the reads: a write during them leaves a stale entry
	// under an old version, which the next request does not use.
	s.forms.put(version, slug, fe)
	return fe, nil
}

func (f *formEditions) get(version int64, slug string) (formEdition, bool) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	fe, ok := f.bySlug[slug]
	return fe, ok && f.version == version && time.Since(f.loaded) < formEditionTTL
}

func (f *formEditions) put(version int64, slug string, fe formEdition) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case version < f.version:
		return
	case version > f.version || f.bySlug == nil || time.Since(f.loaded) >= formEditionTTL:
		f.version, f.loaded, f.bySlug = version, time.Now(), map[string]formEdition{}
	}
	f.bySlug[slug] = fe
}
