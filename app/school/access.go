package school

import "slices"

// Scope is the editions a staff user may see: every edition, or only the editions in IDs. It says
// "all" with a flag rather than with a nil list, so that a list that happens to be empty can never
// read as "every edition". The zero Scope allows nothing.
type Scope struct {
	All bool
	IDs []int64
}

// AllEditions is the scope of every edition.
func AllEditions() Scope { return Scope{All: true} }

// OnlyEditions is the scope of the given editions; with none given it allows nothing.
func OnlyEditions(ids ...int64) Scope { return Scope{IDs: ids} }

// StaffScope is what a user assigned to the editions in assigned may see: administrators see every
// edition, and so do organisers assigned to none (they run the whole school); everyone else sees
// only the editions they are assigned to, none when they are assigned to none.
func StaffScope(u User, assigned []int64) Scope {
	if u.Role == RoleAdmin || (u.Role == RoleOrganiser && len(assigned) == 0) {
		return AllEditions()
	}
	return OnlyEditions(assigned...)
}

// Allows reports whether the edition with the id is in the scope.
func (s Scope) Allows(id int64) bool {
	return s.All || slices.Contains(s.IDs, id)
}

// AllowsAny reports whether any of the editions is in the scope.
func (s Scope) AllowsAny(ids []int64) bool {
	return slices.ContainsFunc(ids, s.Allows)
}

// Empty reports whether the scope allows no edition at all.
func (s Scope) Empty() bool {
	return !s.All && len(s.IDs) == 0
}
