package app

import (
	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

// alumniYear groups the editions of one year that have alumni.
type alumniYear struct {
	Year     int
	Editions []db.AlumniEdition
}

type alumniPage struct {
	Alumni    int
	Countries int
	Chart     chart
	Years     []alumniYear
}

// showAlumni counts the school's alumni, by country and by edition. Every number is counted
// from the participants on record, none is typed.
func (s *Server) showAlumni(c *fiber.Ctx) error {
	ctx, day := c.UserContext(), today(s.now())
	byCountry, err := s.store.AlumniByCountry(ctx, day)
	if err != nil {
		return err
	}
	editions, err := s.store.AlumniByEdition(ctx, day)
	if err != nil {
		return err
	}
	p := s.newPage(c, "", "alumni", nil)
	L := p.L
	var data alumniPage
	for _, n := range byCountry {
		data.Alumni += n.N
		if n.Key != "" {
			data.Countries++
		}
	}
	data.Chart = newChart(L.T("alumni_chart"), byCountry, func(k string) string { return s.countries.name(L.Lang, k) }, 0)
	for _, e := range editions {
		if n := len(data.Years); n == 0 || data.Years[n-1].Year != e.Edition.Year {
			data.Years = append(data.Years, alumniYear{Year: e.Edition.Year})
		}
		data.Years[len(data.Years)-1].Editions = append(data.Years[len(data.Years)-1].Editions, e)
	}
	p.Title, p.Description, p.Data = L.T("alumni_title"), L.T("meta_alumni"), data
	return s.renderPage(c, "catalogue/alumni", p)
}

// alumnusLine is one person of the directory as shown.
type alumnusLine struct {
	Name        string
	Country     string
	Institution string
}

type editionAlumniPage struct {
	Edition school.Edition
	Alumni  []alumnusLine
	Total   int
}

// showEditionAlumni lists the participants of an ended edition who agreed to be listed: name,
// country and institution, nothing more.
func (s *Server) showEditionAlumni(c *fiber.Ctx) error {
	ctx, now := c.UserContext(), s.now()
	e, err := s.store.PublicEdition(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	if !e.IsPast(now) {
		return db.ErrNotFound
	}
	alumni, total, err := s.store.EditionAlumni(ctx, e.ID, today(now))
	if err != nil {
		return err
	}
	p := s.newPage(c, "", "alumni", nil)
	data := editionAlumniPage{Edition: e, Total: total}
	for _, a := range alumni {
		data.Alumni = append(data.Alumni, alumnusLine{Name: a.Name(), Country: s.countries.name(p.L.Lang, a.Nationality),
			Institution: a.Institution})
	}
	p.Title, p.Data = p.L.T("alumni_of", "Edition", e.Title(p.L.Lang)), data
	p.Description = p.L.T("meta_edition_alumni", "Edition", e.Title(p.L.Lang))
	return s.renderPage(c, "catalogue/edition_alumni", p)
}
