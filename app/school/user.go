package school

// Role is what a back-office user may do.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleOrganiser Role = "organiser"
	RoleReviewer  Role = "reviewer"
)

// ValidRole reports whether s names a role.
func ValidRole(s string) bool {
	switch Role(s) {
	case RoleAdmin, RoleOrganiser, RoleReviewer:
		return true
	}
	return false
}

// User is an organiser, reviewer or administrator.
type User struct {
	ID    int64
	Email string
	Name  string
	Role  Role
	// SecondFactor tells whether the user signs in with a code from an authenticator app too.
	SecondFactor bool
	// SessionGeneration is stamped on each session at sign-in; a session of an older generation
	// has ended (a reset second factor raises it).
	SessionGeneration int64
}

// SecondFactorRequired reports whether the user must sign in with a second factor: admins
// always, everyone when the site asks it of all staff.
func (u User) SecondFactorRequired(forAllStaff bool) bool {
	return u.Role == RoleAdmin || forAllStaff
}
