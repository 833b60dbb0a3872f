package school

import (
	"fmt"
	"math/bits"
	"math/rand/v2"
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
		applied          Targets
	}{
		{"by score alone", 3, Balance{}, []int64{1, 2, 3}, []int64{4, 5, 6}, Targets{3, 0}},
		{"at most a third from one country", 3, Balance{MaxCountryShare: 0.34}, []int64{1, 4, 5}, []int64{2, 3, 6}, Targets{1, 0}},
		{"a seat for the NGO sector, in ranking order", 3, Balance{MinSector: "ngo", MinSectorShare: 0.3}, []int64{1, 2, 6}, []int64{3, 4, 5}, Targets{3, 1}},
		{"a cap that cannot fill the seats is raised", 5, Balance{MaxCountryShare: 0.2}, []int64{1, 2, 4, 5, 6}, []int64{3}, Targets{2, 0}},
		{"a minimum the pool cannot meet is lowered", 3, Balance{MinSector: "ngo", MinSectorShare: 0.67}, []int64{1, 2, 6}, []int64{3, 4, 5}, Targets{3, 1}},
		{"more seats than candidates", 10, Balance{}, []int64{1, 2, 3, 4, 5, 6}, []int64{}, Targets{6, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := ProposeSeats(candidates, tc.seats, tc.balance)
			if got := ids(p.Accept); !reflect.DeepEqual(got, tc.accept) {
				t.Errorf("accept %v, want %v", got, tc.accept)
			}
			if got := ids(p.Waitlist); !reflect.DeepEqual(got, tc.waitlist) {
				t.Errorf("waitlist %v, want %v", got, tc.waitlist)
			}
			if p.Applied != tc.applied {
				t.Errorf("targets applied %+v, want %+v", p.Applied, tc.applied)
			}
		})
	}
}

// The case an organiser met: 4 seats, at most 30 % from one country (1 place), at least 25 %
// students (1 seat), and the only students are Ukrainian. The second best, Ukrainian too, is out
// because Ukraine's one place must go to a student; every row says why.
func TestProposeSeatsExplainsEachRow(t *testing.T) {
	candidates := []Candidate{
		{1, 4.80, "CZ", "ngo"}, {2, 4.60, "UA", "ngo"}, {3, 4.40, "DE", "ngo"},
		{4, 4.20, "PL", "ngo"}, {5, 4.00, "CZ", "government"}, {6, 3.50, "UA", "student"},
		{7, 3.00, "SK", "ngo"}, {8, 2.00, "UA", "student"},
	}
	p := ProposeSeats(candidates, 4, Balance{MaxCountryShare: 0.3, MinSector: "student", MinSectorShare: 0.25})
	if got, want := ids(p.Accept), []int64{1, 3, 4, 6}; !reflect.DeepEqual(got, want) {
		t.Fatalf("accept %v, want %v", got, want)
	}
	if got, want := ids(p.Waitlist), []int64{2, 5, 7, 8}; !reflect.DeepEqual(got, want) {
		t.Fatalf("waitlist %v, want %v", got, want)
	}
	want := map[int64]Reason{
		1: {Why: InByRank, Rank: 1},
		2: {Why: OutCapForMinimum, Rank: 2, Holders: []int64{6}},
		3: {Why: InByRank, Rank: 3},
		4: {Why: InByRank, Rank: 4},
		5: {Why: OutCountryCap, Rank: 5, Holders: []int64{1}},
		6: {Why: InForMinimum, Rank: 6},
		7: {Why: OutSeatsFull, Rank: 7},
		8: {Why: OutSeatsFull, Rank: 8},
	}
	if !reflect.DeepEqual(p.Reasons, want) {
		t.Errorf("reasons\n got %+v\nwant %+v", p.Reasons, want)
	}
	if p.Relaxed() {
		t.Errorf("targets relaxed: %+v", p.Applied)
	}
}

// TestProposeSeatsAgainstBruteForce checks the promise on many small random pools: the proposal
// is the best-ranked of all the sets that meet the targets, and the targets are relaxed as the
// doc comment says, found here by trying every set.
func TestProposeSeatsAgainstBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2027))
	countries := []string{"CZ", "UA", "KZ", "GE"}
	sectors := []Sector{"student", "ngo", "government"}
	for pool := range 3000 {
		n := 1 + rng.IntN(12)
		candidates := make([]Candidate, n)
		for i := range candidates {
			candidates[i] = Candidate{ApplicationID: int64(100 + i), Score: 5 - float64(i)/4,
				Country: countries[rng.IntN(1+rng.IntN(len(countries)))], Sector: sectors[rng.IntN(len(sectors))]}
		}
		seats := rng.IntN(n + 3)
		b := Balance{}
		if rng.IntN(3) > 0 {
			b.MaxCountryShare = float64(1+rng.IntN(100)) / 100
		}
		if rng.IntN(3) > 0 {
			b.MinSector, b.MinSectorShare = sectors[rng.IntN(len(sectors))], float64(1+rng.IntN(100))/100
		}
		p := ProposeSeats(candidates, seats, b)
		name := fmt.Sprintf("pool %d: %d candidates %+v, %d seats, %+v", pool, n, candidates, seats, b)

		k := min(seats, n)
		counts := func(set uint) (perCountry int, sector int) {
			per := map[string]int{}
			for i, c := range candidates {
				if set&(1<<i) != 0 {
					per[c.Country]++
					perCountry = max(perCountry, per[c.Country])
					if b.MinSector != "" && c.Sector == b.MinSector {
						sector++
					}
				}
			}
			return perCountry, sector
		}
		exists := func(cap, minimum int) bool {
			for set := uint(0); set < 1<<n; set++ {
				if bits.OnesCount(set) == k {
					if per, sector := counts(set); per <= cap && sector >= minimum {
						return true
					}
				}
			}
			return false
		}
		cap := p.Asked.CountryCap
		for !exists(cap, 0) {
			cap++
		}
		minimum := p.Asked.SectorMin
		for !exists(cap, minimum) {
			minimum--
		}
		if want := (Targets{cap, minimum}); p.Applied != want {
			t.Fatalf("%s: targets applied %+v, want %+v (asked %+v)", name, p.Applied, want, p.Asked)
		}
		// Best-ranked: the first candidate where two sets differ decides, so with the best
		// candidate as the highest bit the better set is the larger number.
		rankBits := func(set uint) uint {
			var r uint
			for i := range n {
				if set&(1<<i) != 0 {
					r |= 1 << (n - 1 - i)
				}
			}
			return r
		}
		best, found := uint(0), false
		for set := uint(0); set < 1<<n; set++ {
			if bits.OnesCount(set) != k {
				continue
			}
			if per, sector := counts(set); per <= cap && sector >= minimum && (!found || rankBits(set) > rankBits(best)) {
				best, found = set, true
			}
		}
		var want []int64
		for i, c := range candidates {
			if best&(1<<i) != 0 {
				want = append(want, c.ApplicationID)
			}
		}
		if got := ids(p.Accept); !reflect.DeepEqual(got, append([]int64{}, want...)) {
			t.Fatalf("%s: accept %v, want %v", name, got, want)
		}
		checkReasons(t, name, candidates, p, b)
	}
}

// checkReasons checks that each row's reason is true of the proposal.
func checkReasons(t *testing.T, name string, candidates []Candidate, p Proposal, b Balance) {
	t.Helper()
	in := map[int64]bool{}
	perCountry := map[string]int{}
	for _, c := range p.Accept {
		in[c.ApplicationID] = true
		perCountry[c.Country]++
	}
	for i, c := range candidates {
		r := p.Reasons[c.ApplicationID]
		if r.Rank != i+1 {
			t.Fatalf("%s: %d has rank %d, want %d", name, c.ApplicationID, r.Rank, i+1)
		}
		if in[c.ApplicationID] != (r.Why == InByRank || r.Why == InForMinimum) {
			t.Fatalf("%s: %d in %v with reason %v", name, c.ApplicationID, in[c.ApplicationID], r.Why)
		}
		switch r.Why {
		case InForMinimum:
			if c.Sector != b.MinSector {
				t.Fatalf("%s: %d chosen for a minimum it is not in", name, c.ApplicationID)
			}
		case OutSeatsFull:
			better := 0
			for _, a := range p.Accept {
				if p.Reasons[a.ApplicationID].Rank < r.Rank {
					better++
				}
			}
			if better != p.Seats {
				t.Fatalf("%s: %d out for seats full, with %d of %d seats taken by better-ranked", name, c.ApplicationID, better, p.Seats)
			}
		case OutCountryCap, OutCapForMinimum:
			if perCountry[c.Country] != p.Applied.CountryCap || len(r.Holders) != p.Applied.CountryCap {
				t.Fatalf("%s: %d out for %s's cap, which holds %d of %d (%v)", name, c.ApplicationID, c.Country, perCountry[c.Country], p.Applied.CountryCap, r.Holders)
			}
		case OutSeatsForMinimum:
			if p.Applied.SectorMin == 0 || c.Sector == b.MinSector {
				t.Fatalf("%s: %d out to keep seats for a minimum, with minimum %d", name, c.ApplicationID, p.Applied.SectorMin)
			}
		}
	}
}

func BenchmarkProposeSeats(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	countries := []string{"CZ", "UA", "KZ", "GE", "PL", "SK", "DE", "AM", "AZ", "BY", "MD", "RS", "BA", "AL", "TR", "IR", "AF", "SY", "NG", "IN"}
	candidates := make([]Candidate, 300)
	for i := range candidates {
		candidates[i] = Candidate{ApplicationID: int64(i), Score: 5 - float64(i)/100,
			Country: countries[rng.IntN(len(countries))], Sector: Sectors[rng.IntN(len(Sectors))]}
	}
	balance := Balance{MaxCountryShare: 0.1, MinSector: "ngo", MinSectorShare: 0.3}
	for b.Loop() {
		ProposeSeats(candidates, 60, balance)
	}
}
