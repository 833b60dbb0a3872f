package app

import (
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"registrar/app/school"
	"registrar/db"
)

type reviewQueuePage struct {
	User    school.User
	Edition school.Edition
	Queue   []school.Application
	Blind   bool
	Shown   school.Visibility
	// Progress, once the queue is empty: what the user did and what still waits for others.
	Progress db.ReviewProgress
}

// showReviewQueue lists the applications waiting for the user's review.
func (s *Server) showReviewQueue(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	queue, err := s.store.ReviewQueue(c.UserContext(), e.ID, u.ID, 100)
	if err != nil {
		return err
	}
	if c.Query("next") == "1" {
		if len(queue) > 0 {
			return c.Redirect("/admin/applications/"+strconv.FormatInt(queue[0].ID, 10)+"/review", fiber.StatusSeeOther)
		}
	}
	data := reviewQueuePage{User: u, Edition: e, Queue: queue, Blind: blind(u, e), Shown: school.VisibilityFor(e, u.Role)}
	if len(queue) == 0 {
		if data.Progress, err = s.store.ReviewProgress(c.UserContext(), e.ID, u.ID, e.RequiredReviews); err != nil {
			return err
		}
	}
	for i := range data.Queue {
		hideFromStaff(&data.Queue[i], u, e, nil) // the queue shows no answers
	}
	L := s.i18n.Translator(langOf(c))
	return s.renderPage(c, "admin/review_queue", s.newPage(c, L.T("review_queue_title"), "admin", data))
}

type reviewPage struct {
	applicationPage
	Rubric  []school.Criterion
	Scores  map[int64]int
	Comment string
	Error   string
}

func (s *Server) showReviewForm(c *fiber.Ctx) error {
	return s.renderReviewForm(c, fiber.StatusOK, nil, "", "")
}

func (s *Server) renderReviewForm(c *fiber.Ctx, status int, scores map[int64]int, comment, problem string) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	rubric, err := s.store.Rubric(ctx, e.ID)
	if err != nil {
		return err
	}
	questions, _, err := s.store.AllQuestions(ctx, e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	u := currentUser(c)
	data := reviewPage{Rubric: rubric, Scores: scores, Comment: comment, Error: problem}
	data.User, data.Edition, data.Blind, data.Shown = u, e, blind(u, e), school.VisibilityFor(e, u.Role)
	hideFromStaff(&a, u, e, questions)
	data.Application = a
	data.Summary = s.emails.StaffSummary(a, e, questions, L)
	data.Files = staffFiles(a, questions, L, !data.Shown.Visible(school.IdentFileNames))
	if data.Referees, err = s.staffRefereesOf(c, e, a); err != nil {
		return err
	}
	if a.CVUploadID != 0 { // the first of the files
		data.CVURL = data.Files[0].URL
	}
	return s.renderStatus(c, status, "admin/review", s.newPage(c, L.T("review_title", "Reference", a.Reference), "admin", data))
}

// submitReview stores the user's scores, or the conflict of interest they declare, then moves
// on to the next application of their queue.
func (s *Server) submitReview(c *fiber.Ctx) error {
	a, e, err := s.staffApplication(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	L := s.i18n.Translator(langOf(c))
	rubric, err := s.store.Rubric(ctx, e.ID)
	if err != nil {
		return err
	}
	u := currentUser(c)
	r := school.Review{ApplicationID: a.ID, ReviewerID: u.ID, Conflict: c.FormValue("conflict") == "yes",
		Comment: strings.TrimSpace(strings.ToValidUTF8(c.FormValue("comment"), "")), Scores: map[int64]int{}}
	if len([]rune(r.Comment)) > 4000 {
		return s.renderReviewForm(c, fiber.StatusUnprocessableEntity, r.Scores, r.Comment, L.T("validation_max", "Max", L.Number(4000)))
	}
	if !r.Conflict {
		for _, crit := range rubric {
			if score, err := strconv.Atoi(c.FormValue("score_" + strconv.FormatInt(crit.ID, 10))); err == nil {
				r.Scores[crit.ID] = score
			}
		}
		if r.Weighted, err = school.WeightedScore(rubric, r.Scores); err != nil {
			var missing []string
			for _, crit := range rubric {
				if score, ok := r.Scores[crit.ID]; !ok || score < 1 || score > 5 {
					missing = append(missing, crit.Label(L.Lang))
				}
			}
			problem := L.T("review_scores_missing")
			if len(missing) > 0 {
				problem = L.T("review_scores_missing_named", "Criteria", strings.Join(missing, ", "))
			}
			return s.renderReviewForm(c, fiber.StatusUnprocessableEntity, r.Scores, r.Comment, problem)
		}
	}
	err = s.store.SubmitReview(ctx, r, userActor(u), s.now())
	if err != nil && !errors.Is(err, db.ErrReviewed) {
		return err
	}
	return c.Redirect("/admin/editions/"+strconv.FormatInt(e.ID, 10)+"/review?next=1", fiber.StatusSeeOther)
}

// reviewLine is one review as the application page shows it.
type reviewLine struct {
	Reviewer string
	Conflict bool
	Weighted float64
	Scores   []scoreLine
	Comment  string
}

type scoreLine struct {
	Label string
	Score int
}

// visibleReviews are the reviews the user may see: organisers see all; a reviewer sees the
// others only after sending their own, so that no one is swayed. A declared conflict of interest
// is no review: it shows nothing. reviewed says whether the user has reviewed or declared a
// conflict, conflict whether they declared one.
func (s *Server) visibleReviews(c *fiber.Ctx, a school.Application, e school.Edition) (lines []reviewLine, reviewed, conflict bool, err error) {
	ctx := c.UserContext()
	reviews, err := s.store.Reviews(ctx, a.ID)
	if err != nil {
		return nil, false, false, err
	}
	u := currentUser(c)
	if i := slices.IndexFunc(reviews, func(r school.Review) bool { return r.ReviewerID == u.ID }); i >= 0 {
		reviewed, conflict = true, reviews[i].Conflict
	}
	if u.Role == school.RoleReviewer && (!reviewed || conflict) {
		return nil, reviewed, conflict, nil
	}
	rubric, err := s.store.Rubric(ctx, e.ID)
	if err != nil {
		return nil, reviewed, conflict, err
	}
	L := s.i18n.Translator(langOf(c))
	for _, r := range reviews {
		line := reviewLine{Reviewer: r.Reviewer(), Conflict: r.Conflict, Weighted: r.Weighted, Comment: r.Comment}
		for _, crit := range rubric {
			if score, ok := r.Scores[crit.ID]; ok {
				line.Scores = append(line.Scores, scoreLine{Label: crit.Label(L.Lang), Score: score})
			}
		}
		lines = append(lines, line)
	}
	return lines, reviewed, conflict, nil
}
