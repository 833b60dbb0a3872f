package app

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"registrar/app/school"
)

func smallPNG(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// documentByTitle finds a document of the edition by its English title.
func documentByTitle(t testing.TB, ts *testServer, editionID int64, title string) school.Document {
	t.Helper()
	docs, err := ts.store.Documents(context.Background(), editionID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if d.TitleEN == title {
			return d
		}
	}
	t.Fatalf("no document %q", title)
	return school.Document{}
}

func TestOrganiserUploadsDocumentsThatReachTheRightPeople(t *testing.T) {
	t.Parallel()
	ts := newFormServer(t)
	ctx := context.Background()
	summer, err := ts.store.PublicEdition(ctx, summerSlug)
	if err != nil {
		t.Fatal(err)
	}
	createUser(t, ts, "organiser@school.test", school.RoleOrganiser)
	v := signIn(t, ts, "organiser@school.test")
	docs := "/admin/editions/" + strconv.FormatInt(summer.ID, 10) + "/documents"
	upload := func(values url.Values, f formFile) (*http.Response, string) {
		t.Helper()
		values.Set("_csrf", v.token(t))
		return v.post(t, docs, docs, values, f)
	}
	resp, body := v.get(t, docs)
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Upload a document", "A PDF or an image (JPEG, PNG, WebP), at most 20 MB.")
	before := ts.visitor()
	before.get(t, "/editions/"+summerSlug) // cached from here on

	pdf := minimalPDF("programme")
	resp, body = upload(url.Values{"title_en": {"Programme 2027"}, "title_cs": {"Program 2027"}, "kind": {"programme"},
		"public": {"yes"}}, formFile{Field: "file", Name: "programme.pdf", Data: pdf})
	wantStatus(t, resp, body, http.StatusSeeOther)
	pic := smallPNG(t)
	resp, body = upload(url.Values{"title_en": {"Field trip map"}, "kind": {"photos"}},
		formFile{Field: "file", Name: "map.png", Data: pic})
	wantStatus(t, resp, body, http.StatusSeeOther)
	_, body = v.get(t, resp.Header.Get("Location"))
	wantText(t, body, "The document is uploaded.", "Programme 2027", "Everyone", "Field trip map", "Participants only")

	t.Run("a renamed text file is refused with the titles kept", func(t *testing.T) {
		resp, body := upload(url.Values{"title_en": {"Reading notes"}, "kind": {"reading_list"}, "public": {"yes"}},
			formFile{Field: "file", Name: "notes.pdf", Data: []byte("These are only notes, not a PDF.\n")})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "This file is not a PDF, JPEG, PNG or WebP image.")
		wantMarkup(t, body, `value="Reading notes"`)
	})
	t.Run("a file over 20 MB gets a clear message", func(t *testing.T) {
		big := append(minimalPDF("big"), bytes.Repeat([]byte{' '}, MaxDocumentBytes)...)
		resp, body := upload(url.Values{"title_en": {"Huge report"}, "kind": {"report"}},
			formFile{Field: "file", Name: "huge.pdf", Data: big})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "This file is too large. A file may have at most 20 MB.")
		wantMarkup(t, body, `value="Huge report"`)
	})
	t.Run("a document without a title is refused in Czech too", func(t *testing.T) {
		v.get(t, docs+"?lang=cs")
		defer v.get(t, docs+"?lang=en")
		resp, body := upload(url.Values{"kind": {"other"}}, formFile{Field: "file", Name: "x.pdf", Data: pdf})
		wantStatus(t, resp, body, http.StatusUnprocessableEntity)
		wantText(t, body, "Zadejte název dokumentu anglicky nebo česky")
	})

	programme := documentByTitle(t, ts, summer.ID, "Programme 2027")
	photo := documentByTitle(t, ts, summer.ID, "Field trip map")
	if photo.ContentType != "image/png" || programme.ContentType != "application/pdf" || photo.Public {
		t.Fatalf("stored as %+v and %+v", programme, photo)
	}
	// Files are stored in the database under random names, never under their own.
	for _, d := range []school.Document{programme, photo} {
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(d.StoredName) || !fileStored(t, ts, d.StoredName) {
			t.Errorf("stored as %q", d.StoredName)
		}
	}

	publicURL := "/documents/" + strconv.FormatInt(programme.ID, 10)
	photoURL := "/documents/" + strconv.FormatInt(photo.ID, 10)
	_, page := before.get(t, "/editions/"+summerSlug)
	wantMarkup(t, page, `href="`+publicURL+`"`)
	if strings.Contains(page, "Field trip map") {
		t.Error("the public page lists a document for participants")
	}

	t.Run("a public document downloads anonymously as what it is", func(t *testing.T) {
		resp, body := ts.visitor().get(t, publicURL)
		wantStatus(t, resp, body, http.StatusOK)
		for h, want := range map[string]string{"Content-Type": "application/pdf", "X-Content-Type-Options": "nosniff",
			"Content-Disposition": "attachment; filename=programme.pdf"} {
			if got := resp.Header.Get(h); got != want {
				t.Errorf("%s: %q, want %q", h, got, want)
			}
		}
		if body != string(pdf) {
			t.Error("the download is not the uploaded file")
		}
	})
	t.Run("a document for participants does not exist for the public", func(t *testing.T) {
		resp, body := ts.visitor().get(t, photoURL)
		wantStatus(t, resp, body, http.StatusNotFound)
	})
	t.Run("staff of the edition download any document", func(t *testing.T) {
		resp, body := v.get(t, "/admin"+photoURL)
		wantStatus(t, resp, body, http.StatusOK)
		if resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			resp.Header.Get("Content-Disposition") != "attachment; filename=map.png" { // inline only for PDFs
			t.Errorf("served with %v", resp.Header)
		}
	})

	// An applicant sees the participants' documents only once they hold a place.
	mine := applyFor(t, ts, "participant@example.org")
	participantURL := mine.status() + "/documents/" + strconv.FormatInt(photo.ID, 10)
	resp, body = mine.v.get(t, mine.status())
	wantStatus(t, resp, body, http.StatusOK)
	if strings.Contains(body, "Field trip map") {
		t.Error("a submitted applicant sees the participants' documents")
	}
	resp, body = mine.v.get(t, participantURL)
	wantStatus(t, resp, body, http.StatusNotFound)

	setStatus(t, ts, summer, mine.app.ID, school.StatusAccepted)
	setStatus(t, ts, summer, mine.app.ID, school.StatusConfirmed)
	resp, body = mine.v.get(t, mine.status())
	wantStatus(t, resp, body, http.StatusOK)
	wantText(t, body, "Documents for participants", "Field trip map")
	wantMarkup(t, body, `href="`+participantURL+`"`)
	resp, body = mine.v.get(t, participantURL)
	wantStatus(t, resp, body, http.StatusOK)
	if resp.Header.Get("Content-Type") != "image/png" || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
		body != string(pic) {
		t.Errorf("the participant's download is served with %v", resp.Header)
	}
	// The status link opens only participants' documents of its own edition.
	resp, body = mine.v.get(t, mine.status()+"/documents/"+strconv.FormatInt(programme.ID, 10))
	wantStatus(t, resp, body, http.StatusNotFound)

	t.Run("reorder and delete", func(t *testing.T) {
		order := func() []string {
			all, err := ts.store.Documents(ctx, summer.ID)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, d := range all {
				titles = append(titles, d.TitleEN)
			}
			return titles
		}
		was := order()
		if was[len(was)-1] != "Field trip map" || was[len(was)-2] != "Programme 2027" {
			t.Fatalf("uploads are not at the end of the list: %v", was)
		}
		resp, body := v.postAdmin(t, docs+"/"+strconv.FormatInt(photo.ID, 10)+"/move", url.Values{"direction": {"up"}})
		wantStatus(t, resp, body, http.StatusSeeOther)
		if now := order(); now[len(now)-2] != "Field trip map" {
			t.Errorf("after moving up: %v", now)
		}
		resp, body = v.postAdmin(t, docs+"/"+strconv.FormatInt(programme.ID, 10)+"/delete", nil)
		wantStatus(t, resp, body, http.StatusSeeOther)
		resp, body = ts.visitor().get(t, publicURL)
		wantStatus(t, resp, body, http.StatusNotFound)
		if _, page := before.get(t, "/editions/"+summerSlug); strings.Contains(page, publicURL) {
			t.Error("the public page still links the deleted document")
		}
		if fileStored(t, ts, programme.StoredName) || !fileStored(t, ts, photo.StoredName) {
			t.Error("deleting one of two documents did not take its file alone")
		}
	})

	// The demo's documents, links elsewhere, are still listed and linked.
	all, err := ts.store.Documents(ctx, summer.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		if d.URL != "" && d.Public && !strings.Contains(page, d.URL) {
			t.Errorf("the public page lacks the link %s", d.URL)
		}
	}
}
