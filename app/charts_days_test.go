package app

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"registrar/app/school"
	"registrar/app/testkit"
)

// An application sent at half past midnight in Prague counts on that Prague day in the chart of
// applications per day, not on the day before, as UTC has it.
func TestTheApplicationsPerDayChartCountsPragueDays(t *testing.T) {
	clock, ts, summer := summerOnAClock(t)
	// 28 November 2026, 00:30 in Prague (CET, UTC+1): still the 27th in UTC.
	clock.Set(time.Date(2026, 11, 27, 23, 30, 0, 0, time.UTC))
	ts.visitor().applyOK(t, summerSlug, summerAnswers(t, ts, "after-midnight@example.org"), cvFile("cv.pdf"))

	createUser(t, ts, "organiser-days@school.test", school.RoleOrganiser)
	organiser := signIn(t, ts, "organiser-days@school.test")
	resp, body := organiser.get(t, "/admin/editions/"+strconv.FormatInt(summer.ID, 10)+"?lang=en")
	wantStatus(t, resp, body, http.StatusOK)
	// The edition's only application, so its day is the busiest and the only one.
	if text := testkit.MainText(t, body); !strings.Contains(text, "Busiest day: 28 November 2026, 1") ||
		strings.Contains(text, "27 November 2026") {
		t.Errorf("the chart does not count the application on 28 November 2026, the Prague day it was sent:\n%s", text)
	}
}
