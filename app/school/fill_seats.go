package school

import "math"

// Candidate is an application as seat filling sees it.
type Candidate struct {
	ApplicationID int64
	Score         float64
	Country       string
	Sector        Sector
}

// Balance sets the targets of a proposal; zero values set none.
type Balance struct {
	MaxCountryShare float64 // at most this share of the seats from one country, 0 < x ≤ 1
	MinSector       Sector  // at least MinSectorShare of the seats for this sector
	MinSectorShare  float64
}

// Proposal is who would get a seat and who would wait, in order.
type Proposal struct {
	Accept   []Candidate
	Waitlist []Candidate
}

// ProposeSeats proposes accepting the best candidates for seats, best score first, within the
// balance targets where the candidates allow it; the rest go onto the waiting list by score.
// candidates must be sorted best first.
func ProposeSeats(candidates []Candidate, seats int, b Balance) Proposal {
	seats = min(seats, len(candidates))
	taken := make([]bool, len(candidates))
	var p Proposal
	perCountry := map[string]int{}
	countryCap := seats
	if b.MaxCountryShare > 0 && b.MaxCountryShare < 1 {
		countryCap = max(1, int(math.Floor(b.MaxCountryShare*float64(seats))))
	}
	accept := func(i int) {
		taken[i] = true
		perCountry[candidates[i].Country]++
		p.Accept = append(p.Accept, candidates[i])
	}
	// First the sector's reserved seats, best first, within the country cap.
	if b.MinSector != "" && b.MinSectorShare > 0 {
		reserved := int(math.Ceil(b.MinSectorShare * float64(seats)))
		for i, c := range candidates {
			if len(p.Accept) >= min(reserved, seats) {
				break
			}
			if c.Sector == b.MinSector && perCountry[c.Country] < countryCap {
				accept(i)
			}
		}
	}
	// Then everyone else by score, within the country cap.
	for i, c := range candidates {
		if len(p.Accept) >= seats {
			break
		}
		if !taken[i] && perCountry[c.Country] < countryCap {
			accept(i)
		}
	}
	// Targets the candidates cannot meet do not leave seats empty.
	for i := range candidates {
		if len(p.Accept) >= seats {
			break
		}
		if !taken[i] {
			accept(i)
		}
	}
	for i, c := range candidates {
		if !taken[i] {
			p.Waitlist = append(p.Waitlist, c)
		}
	}
	return p
}
