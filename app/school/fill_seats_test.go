package school

import (
	"reflect"
	"testing"
)

func ids(cs []Candidate) []int64 {
	out := []int64{}
	for _, c := range cs {
		out = append(out, c.ApplicationID)
	}
	return out
}

func TestProposeSeats(t *testing.T) {
	// Best first: three from KZ at the top, then UA, CZ, and an NGO worker last.
	candidates := []Candidate{
		{1, 4.9, "KZ", "student"}, {2, 4.8, "KZ", "student"}, {3, 4.7, "KZ", "student"},
		{4, 4.5, "UA", "student"}, {5, 4.0, "CZ", "student"}, {6, 3.0, "GE", "ngo"},
	}
	for _, tc := range []struct {
		name             string
		seats            int
		balance          Balance
		accept, waitlist []int64
	}{
		{"by score alone", 3, Balance{}, []int64{1, 2, 3}, []int64{4, 5, 6}},
		{"at most a third from one country", 3, Balance{MaxCountryShare: 0.34}, []int64{1, 4, 5}, []int64{2, 3, 6}},
		{"a seat for the NGO sector", 3, Balance{MinSector: "ngo", MinSectorShare: 0.3}, []int64{6, 1, 2}, []int64{3, 4, 5}},
		{"targets that cannot be met leave no seat empty", 5, Balance{MaxCountryShare: 0.2}, []int64{1, 4, 5, 6, 2}, []int64{3}},
		{"more seats than candidates", 10, Balance{}, []int64{1, 2, 3, 4, 5, 6}, []int64{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ProposeSeats(candidates, tc.seats, tc.balance)
			if got := ids(p.Accept); !reflect.DeepEqual(got, tc.accept) {
				t.Errorf("accept %v, want %v", got, tc.accept)
			}
			if got := ids(p.Waitlist); !reflect.DeepEqual(got, tc.waitlist) {
				t.Errorf("waitlist %v, want %v", got, tc.waitlist)
			}
		})
	}
}
