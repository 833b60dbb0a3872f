package school

import "testing"

func TestStaffScopeAllowsTheEditionsOfTheRole(t *testing.T) {
	admin := User{ID: 1, Role: RoleAdmin}
	organiser := User{ID: 2, Role: RoleOrganiser}
	reviewer := User{ID: 3, Role: RoleReviewer}
	tests := []struct {
		name     string
		user     User
		assigned []int64
		all      bool
		empty    bool
		allowed  []int64
		refused  []int64
	}{
		{"an admin sees every edition", admin, nil, true, false, []int64{1, 2, 99}, nil},
		{"an admin assigned to one still sees every edition", admin, []int64{2}, true, false, []int64{1, 2, 99}, nil},
		{"an organiser assigned to none runs the whole school", organiser, nil, true, false, []int64{1, 2, 99}, nil},
		{"an organiser assigned to none, as an empty list", organiser, []int64{}, true, false, []int64{1, 99}, nil},
		{"an organiser assigned to some sees those only", organiser, []int64{2, 5}, false, false, []int64{2, 5}, []int64{1, 3, 99}},
		{"a reviewer assigned to one sees that one", reviewer, []int64{7}, false, false, []int64{7}, []int64{1, 8}},
		{"a reviewer assigned to none sees nothing", reviewer, nil, false, true, nil, []int64{0, 1, 7}},
		{"a reviewer assigned to none, as an empty list, sees nothing", reviewer, []int64{}, false, true, nil, []int64{0, 1, 7}},
		{"a user of no known role sees only what they are assigned", User{ID: 4}, []int64{3}, false, false, []int64{3}, []int64{1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := StaffScope(tt.user, tt.assigned)
			if s.All != tt.all || s.Empty() != tt.empty {
				t.Errorf("scope %+v: all %v empty %v, want all %v empty %v", s, s.All, s.Empty(), tt.all, tt.empty)
			}
			for _, id := range tt.allowed {
				if !s.Allows(id) {
					t.Errorf("edition %d refused, want allowed", id)
				}
			}
			for _, id := range tt.refused {
				if s.Allows(id) {
					t.Errorf("edition %d allowed, want refused", id)
				}
			}
			if len(tt.allowed) > 0 && !s.AllowsAny(append(tt.refused, tt.allowed[0])) {
				t.Errorf("AllowsAny with edition %d: false, want true", tt.allowed[0])
			}
			if len(tt.refused) > 0 && s.AllowsAny(tt.refused) {
				t.Errorf("AllowsAny(%v): true, want false", tt.refused)
			}
		})
	}
}

func TestTheZeroScopeAllowsNothing(t *testing.T) {
	var s Scope
	if !s.Empty() || s.Allows(0) || s.Allows(1) || s.AllowsAny([]int64{0, 1}) {
		t.Errorf("zero scope %+v allows something", s)
	}
	if OnlyEditions().Allows(1) || !OnlyEditions().Empty() {
		t.Error("OnlyEditions() allows something")
	}
	if !AllEditions().Allows(42) || AllEditions().Empty() {
		t.Error("AllEditions() refuses edition 42")
	}
}
