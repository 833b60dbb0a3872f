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
}
