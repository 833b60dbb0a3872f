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

// Why is the reason an application is in or out of a proposal.
type Why int

const (
	// InByRank: taken in its turn down the ranking.
	InByRank Why = iota
	// InForMinimum: of the minimum's sector, and not taken had there been no minimum.
	InForMinimum
	// OutSeatsFull: every seat was taken by better-ranked applications.
	OutSeatsFull
	// OutCountryCap: its country's cap was taken by better-ranked applications.
	OutCountryCap
	// OutCapForMinimum: its country's last place under the cap was needed for the minimum's
	// sector, which only applicants of that country could still meet.
	OutCapForMinimum
	// OutSeatsForMinimum: the seats left were all needed for the minimum's sector.
	OutSeatsForMinimum
)

// Reason says why an application is in or out, in terms an organiser can repeat.
type Reason struct {
	Why  Why
	Rank int // its place in the ranking, from 1
	// Holders are, for the country reasons, the proposed applications of its country.
	Holders []int64
}

// Targets are the balance targets in seats, as a proposal applied them.
type Targets struct {
	CountryCap int // at most this many from one country; Seats when there is no cap
	SectorMin  int // at least this many of Balance.MinSector
}

// Proposal is who would get a seat and who would wait, in order, and why.
type Proposal struct {
	Seats    int         // the seats proposed: those asked for, or fewer when fewer applied
	Accept   []Candidate // in the order chosen, which is the ranking's order
	Waitlist []Candidate // in the ranking's order
	Reasons  map[int64]Reason
	Asked    Targets // the targets as asked
	Applied  Targets // the targets met: Asked unless the candidates could not meet them
}

// Relaxed reports whether a target had to be relaxed.
func (p Proposal) Relaxed() bool { return p.Asked != p.Applied }

// ProposeSeats proposes the best-ranked set of seats applications that meets every target;
// the others go onto the waiting list in the ranking's order. candidates are the ranking, best
// first.
//
// The targets, in seats: the country cap is MaxCountryShare of the seats rounded down, at least
// 1; the sector minimum is MinSectorShare of the seats rounded up. Seats is the seats asked
// for, or the number of candidates when fewer applied: no seat is left empty.
//
// Best-ranked: of two sets, the better is the one that holds the best-ranked application that
// only one of them holds. So the proposal goes down the ranking and takes each application
// unless no set that meets the targets holds it together with those already taken; an
// application is left out while a lower-ranked one is in only when a target demands it. This is
// not the largest sum of scores: it never gives up a better-ranked application for two
// lower-ranked ones whose scores add up to more.
//
// When no set meets every target, they are relaxed in this order and the proposal says by how
// much (Asked, Applied): first the country cap is raised to the least that fills the seats; then
// the sector minimum is lowered to the most that the candidates can meet under that cap. The
// proposal is then the best-ranked set under the relaxed targets.
func ProposeSeats(candidates []Candidate, seats int, b Balance) Proposal {
	p := Proposal{Seats: min(max(seats, 0), len(candidates)), Reasons: map[int64]Reason{}}
	k := p.Seats
	p.Asked = Targets{CountryCap: k}
	if b.MaxCountryShare > 0 && b.MaxCountryShare < 1 {
		p.Asked.CountryCap = min(k, max(1, int(math.Floor(b.MaxCountryShare*float64(k)+1e-9))))
	}
	if b.MinSector != "" && b.MinSectorShare > 0 {
		p.Asked.SectorMin = min(k, int(math.Ceil(b.MinSectorShare*float64(k)-1e-9)))
	}
	pool := newPool(candidates, b.MinSector)
	p.Applied = p.Asked
	for pool.fillable(p.Applied.CountryCap) < k {
		p.Applied.CountryCap++
	}
	p.Applied.SectorMin = min(p.Applied.SectorMin, pool.sectorReachable(p.Applied.CountryCap))

	taken := pool.choose(k, p.Applied, p.Reasons)
	// Who is in only because of the minimum: those the same ranking without it leaves out.
	var withoutMinimum []bool
	if p.Applied.SectorMin > 0 {
		withoutMinimum = newPool(candidates, b.MinSector).choose(k, Targets{CountryCap: p.Applied.CountryCap}, map[int64]Reason{})
	}
	perCountry := map[string][]int64{}
	for i, c := range candidates {
		if taken[i] {
			perCountry[c.Country] = append(perCountry[c.Country], c.ApplicationID)
		}
	}
	for i, c := range candidates {
		r := p.Reasons[c.ApplicationID]
		if taken[i] {
			if withoutMinimum != nil && !withoutMinimum[i] && c.Sector == b.MinSector {
				r.Why = InForMinimum
			}
			p.Accept = append(p.Accept, c)
		} else {
			if r.Why == OutCountryCap || r.Why == OutCapForMinimum {
				r.Holders = perCountry[c.Country]
			}
			p.Waitlist = append(p.Waitlist, c)
		}
		p.Reasons[c.ApplicationID] = r
	}
	return p
}

// pool counts the candidates not yet passed, by country: all of them and those of the
// minimum's sector, which is what deciding whether targets can still be met needs.
type pool struct {
	candidates []Candidate
	sector     Sector
	country    []int // candidate → country index
	left       []int // country → candidates not yet passed
	sectorLeft []int // country → of them, of the sector
}

func newPool(candidates []Candidate, sector Sector) *pool {
	p := &pool{candidates: candidates, sector: sector, country: make([]int, len(candidates))}
	index := map[string]int{}
	for i, c := range candidates {
		n, ok := index[c.Country]
		if !ok {
			n = len(p.left)
			index[c.Country] = n
			p.left, p.sectorLeft = append(p.left, 0), append(p.sectorLeft, 0)
		}
		p.country[i] = n
		p.left[n]++
		if sector != "" && c.Sector == sector {
			p.sectorLeft[n]++
		}
	}
	return p
}

// fillable is how many seats the candidates left can fill with at most cap from a country.
func (p *pool) fillable(cap int) int {
	n := 0
	for _, l := range p.left {
		n += min(l, cap)
	}
	return n
}

// sectorReachable is how many of the sector the candidates left can bring with at most cap
// from a country.
func (p *pool) sectorReachable(cap int) int {
	n := 0
	for _, l := range p.sectorLeft {
		n += min(l, cap)
	}
	return n
}

// choose goes down the ranking taking each candidate that some set meeting t can still hold,
// records why each is in or out, and returns who is in.
//
// Whether a set can be completed is counted, not searched: with r seats left, s of the sector
// still needed and room[c] places left under country c's cap, a completion from the candidates
// left exists exactly when s ≤ r, Σ min(room[c], sector left in c) ≥ s and Σ min(room[c], left
// in c) ≥ r. (Take as many of the sector as the caps allow, then fill with the others: both
// sums can only be given up, never exceeded.)
func (p *pool) choose(k int, t Targets, reasons map[int64]Reason) []bool {
	taken := make([]bool, len(p.candidates))
	room := make([]int, len(p.left))
	for c := range room {
		room[c] = t.CountryCap
	}
	seatsLeft, sectorNeeded := k, t.SectorMin
	completable := func(seatsLeft, sectorNeeded int) bool {
		if sectorNeeded > seatsLeft {
			return false
		}
		all, sector := 0, 0
		for c := range room {
			all += min(room[c], p.left[c])
			sector += min(room[c], p.sectorLeft[c])
		}
		return sector >= sectorNeeded && all >= seatsLeft
	}
	for i, cand := range p.candidates {
		c := p.country[i]
		inSector := p.sector != "" && cand.Sector == p.sector
		p.left[c]--
		if inSector {
			p.sectorLeft[c]--
		}
		r := Reason{Rank: i + 1}
		needed := sectorNeeded
		if inSector {
			needed = max(0, sectorNeeded-1)
		}
		switch {
		case seatsLeft == 0:
			r.Why = OutSeatsFull
		case room[c] == 0:
			r.Why = OutCountryCap
		default:
			room[c]--
			if completable(seatsLeft-1, needed) {
				taken[i], seatsLeft, sectorNeeded = true, seatsLeft-1, needed
				r.Why = InByRank
				break
			}
			room[c]++
			r.Why = OutCapForMinimum
			if needed > seatsLeft-1 {
				r.Why = OutSeatsForMinimum
			}
		}
		reasons[cand.ApplicationID] = r
	}
	return taken
}
