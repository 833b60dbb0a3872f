package app

import (
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"registrar/app/files"
	"registrar/app/i18n"
	"registrar/app/school"
	"registrar/db"
)

// MaxDocumentBytes bounds a document an organiser uploads; the server's body limit is above it,
// so a larger file gets a message rather than a dropped connection.
const MaxDocumentBytes = 20 << 20

// documentTypes are the types a document may have, as its content shows, not its name.
var documentTypes = []string{"application/pdf", "image/jpeg", "image/png", "image/webp"}

// documentForm is the upload form, as typed.
type documentForm struct {
	TitleEN string `form:"title_en" validate:"singleline,max=200"`
	TitleCS string `form:"title_cs" validate:"singleline,max=200"`
	Kind    string `form:"kind" validate:"required,oneof=programme reading_list photos report other"`
	Public  bool
}

type documentsPage struct {
	User      school.User
	Edition   school.Edition
	Documents []school.Document
	Fields    []formField
	FileError string
	Errors    []string
	Notice    string
}

func (s *Server) renderDocuments(c *fiber.Ctx, status int, e school.Edition, f documentForm, errs formErrors) error {
	docs, err := s.store.Documents(c.UserContext(), e.ID)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	var kinds []option
	for _, k := range school.DocumentKinds {
		kinds = append(kinds, option{Value: k, Label: L.T("document_kind_" + k)})
	}
	public := ""
	if f.Public {
		public = "yes"
	}
	field := func(name, typ, value string, max int, required bool, opts []option) formField {
		return formField{Name: name, Label: L.T("document_field_" + name), Type: typ, Value: value,
			MaxLength: max, Required: required, Options: opts, Error: errs.msg[name]}
	}
	data := documentsPage{User: currentUser(c), Edition: e, Documents: docs, Fields: []formField{
		field("title_en", "text", f.TitleEN, 200, false, nil),
		field("title_cs", "text", f.TitleCS, 200, false, nil),
		field("kind", "select", f.Kind, 0, true, kinds),
		field("public", "checkbox", public, 0, false, nil),
	}, FileError: errs.msg["file"]}
	for _, name := range errs.order {
		data.Errors = append(data.Errors, errs.msg[name])
	}
	if done := c.Query("done"); slices.Contains([]string{"uploaded", "deleted", "moved"}, done) {
		data.Notice = L.T("documents_done_" + done)
	}
	return s.renderStatus(c, status, "admin/documents", s.newPage(c, L.T("documents_title"), "admin", data))
}

// showDocuments lists an edition's documents with the upload form.
func (s *Server) showDocuments(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	return s.renderDocuments(c, fiber.StatusOK, e, documentForm{Kind: "programme", Public: true}, formErrors{})
}

// uploadDocument stores a PDF or image with its titles, or shows the form again with what
// needs fixing.
func (s *Server) uploadDocument(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	L := s.i18n.Translator(langOf(c))
	var errs formErrors
	f := documentForm{TitleEN: formValue(c, "title_en", L, &errs), TitleCS: formValue(c, "title_cs", L, &errs),
		Kind: formValue(c, "kind", L, &errs), Public: c.FormValue("public") == "yes"}
	s.checkStruct(&f, L, &errs)
	if f.TitleEN == "" && f.TitleCS == "" {
		errs.add("title_en", L.T("document_title_required"))
	}
	var data []byte
	var fileName string
	fh, err := c.FormFile("file")
	switch {
	case err != nil || fh.Size == 0:
		errs.add("file", L.T("document_file_required"))
	case fh.Size > MaxDocumentBytes:
		errs.add("file", L.T("validation_file_size", "Max", "20 MB"))
	default:
		fileName = cleanFileName(fh.Filename)
		if data, err = readFormFile(fh); err != nil {
			return err
		}
		if len(data) > MaxDocumentBytes {
			errs.add("file", L.T("validation_file_size", "Max", "20 MB"))
		} else if documentType(data) == "" {
			errs.add("file", L.T("document_file_type"))
		}
	}
	if !errs.empty() {
		return s.renderDocuments(c, fiber.StatusUnprocessableEntity, e, f, errs)
	}
	stored, err := files.RandomName()
	if err != nil {
		return err
	}
	d := school.Document{EditionID: e.ID, TitleEN: f.TitleEN, TitleCS: f.TitleCS, Kind: f.Kind,
		FileName: fileName, Public: f.Public, StoredName: stored, ContentType: documentType(data),
		Size: int64(len(data))}
	if _, err := s.store.CreateDocument(c.UserContext(), d, data); err != nil {
		return err
	}
	return c.Redirect(editorBase(e, "documents")+"?done=uploaded", fiber.StatusSeeOther)
}

// readFormFile reads a sent file, at most one byte over the limit.
func readFormFile(fh *multipart.FileHeader) ([]byte, error) {
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxDocumentBytes+1))
}

// documentType is the type of a document by its content, or "" when it is none Registrar takes.
func documentType(data []byte) string {
	if isPDF(data) {
		return "application/pdf"
	}
	if t := http.DetectContentType(data); t != "application/pdf" && slices.Contains(documentTypes, t) {
		return t
	}
	return ""
}

func (s *Server) deleteDocument(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "doc")
	if err != nil {
		return err
	}
	if _, err := s.store.DeleteDocument(c.UserContext(), e.ID, id); err != nil {
		return err
	}
	return c.Redirect(editorBase(e, "documents")+"?done=deleted", fiber.StatusSeeOther)
}

func (s *Server) moveDocument(c *fiber.Ctx) error {
	e, err := s.pathEdition(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "doc")
	if err != nil {
		return err
	}
	dir := c.FormValue("direction")
	if dir != "up" && dir != "down" {
		return badRequest(s.i18n.Translator(langOf(c)).T("validation_choice"))
	}
	if err := s.store.MoveDocument(c.UserContext(), e.ID, id, dir == "up"); err != nil {
		return err
	}
	return c.Redirect(editorBase(e, "documents")+"?done=moved", fiber.StatusSeeOther)
}

// sendDocument serves a stored document as a download of the type found in its bytes.
func (s *Server) sendDocument(c *fiber.Ctx, d school.Document, cache string) error {
	if d.StoredName == "" {
		return db.ErrNotFound
	}
	c.Set(fiber.HeaderCacheControl, cache)
	fileHeaders(c, d.ContentType, d.FileName, false)
	return s.sendStored(c, d.StoredName, d.Size)
}

// downloadPublicDocument serves a public document of a public edition to anyone.
func (s *Server) downloadPublicDocument(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.PublicDocument(c.UserContext(), id)
	if err != nil {
		return err
	}
	return s.sendDocument(c, d, "public, max-age=300")
}

// downloadStaffDocument serves any document of an edition to its staff.
func (s *Server) downloadStaffDocument(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.Document(c.UserContext(), id)
	if err != nil {
		return err
	}
	if _, err := s.staffEdition(c, d.EditionID); err != nil {
		return err
	}
	return s.sendDocument(c, d, "private, no-store")
}

// participant reports whether an application holds a place at its edition, which opens the
// documents for participants.
func participant(a school.Application) bool {
	return a.Status == school.StatusConfirmed || a.Status == school.StatusAttended
}

// participantDocuments lists the documents for participants on an applicant's status page.
func (s *Server) participantDocuments(c *fiber.Ctx, a school.Application, base string, L *i18n.Translator) ([]fileLink, error) {
	if !participant(a) {
		return nil, nil
	}
	docs, err := s.store.ParticipantDocuments(c.UserContext(), a.EditionID)
	if err != nil {
		return nil, err
	}
	var links []fileLink
	for _, d := range docs {
		link := fileLink{Label: d.Title(L.Lang), Name: d.FileName, URL: d.URL}
		if d.URL == "" {
			link.URL = base + "/documents/" + strconv.FormatInt(d.ID, 10)
		}
		links = append(links, link)
	}
	return links, nil
}

// downloadParticipantDocument serves a document for participants to an applicant who holds a
// place at the edition; to anyone else it does not exist.
func (s *Server) downloadParticipantDocument(c *fiber.Ctx) error {
	a, _, _, err := s.applicantApplication(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	d, err := s.store.Document(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !participant(a) || d.EditionID != a.EditionID || d.Public {
		return db.ErrNotFound
	}
	return s.sendDocument(c, d, "private, no-store")
}
