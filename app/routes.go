package app

import (
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/helmet"
	"github.com/gofiber/fiber/v2/middleware/recover"
	"github.com/gofiber/fiber/v2/middleware/requestid"

	"registrar/app/school"
	"registrar/public"
)

// contentSecurityPolicy allows only our own scripts, styles and images; Pico draws some icons
// as data: URIs.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'self'; object-src 'none'"

// routes is the map of the site.
func (s *Server) routes() {
	app := s.web

	// Middleware, in the order a request meets it.
	app.Use(recover.New())
	app.Use(requestid.New())
	if s.metrics != nil {
		app.Use(s.measure) // outside the logger, which renders errors: it sees the status sent
	}
	app.Use(s.logRequests)
	app.Use(helmet.New(helmet.Config{
		ContentSecurityPolicy: contentSecurityPolicy,
		// CSRF checks a same-origin Referer over HTTPS; no-referrer would break every form.
		ReferrerPolicy: "same-origin",
	}))
	if s.overHTTPS() {
		app.Use(s.strictTransport)
	}
	app.Use(compress.New())
	app.Use(etag) // ours: Fiber's hashes a byte at a time (middleware.go)
	app.Use("/static", filesystem.New(filesystem.Config{
		Root:   http.FS(public.FS),
		MaxAge: int((365 * 24 * time.Hour).Seconds()), // asset URLs carry a content hash
	}))
	app.Use(s.language)

	// A disk nearly full takes no new application or file, before any body is read (disk_guard.go).
	app.Get("/editions/:slug/apply", s.refuseWhenDiskLow)
	app.Post("/editions/:slug/apply", s.refuseWhenDiskLow)
	app.Post("/status/:token/edit", s.refuseWhenDiskLow)
	app.Post("/editions/:slug/apply/draft", s.refuseWhenDiskLow)
	app.Post("/drafts/:token", s.refuseWhenDiskLow)
	app.Post("/drafts/:token/draft", s.refuseWhenDiskLow)
	app.Post("/admin/editions/:id/documents", s.refuseWhenDiskLow)
	app.Post("/referee/:token", s.refuseWhenDiskLow)

	// Bodies: 1 MB at most, more on the routes that take files (bodies.go).
	app.Post("/editions/:slug/apply", takeFiles(applyBodyLimit, nil))
	app.Post("/status/:token/edit", takeFiles(applyBodyLimit, s.withApplicationLink))
	app.Post("/editions/:slug/apply/draft", takeFiles(applyBodyLimit, nil))
	app.Post("/drafts/:token", takeFiles(applyBodyLimit, nil))
	app.Post("/drafts/:token/draft", takeFiles(applyBodyLimit, nil))
	app.Post("/admin/editions/:id/documents", takeFiles(documentBodyLimit, s.signedInStaff))
	app.Post("/referee/:token", s.refereeBody)
	app.Use(s.limitBody)

	// Operations.
	app.Get("/healthz", s.showHealth)

	// Public catalogue and archive: rendered pages are cached until the catalogue changes.
	// Pages are compressed inside the cache, so a cached page is compressed once; the outer
	// compress middleware leaves a body that already has a Content-Encoding alone.
	cached, compressed := s.cachePublicPages(), compress.New()
	app.Get("/", cached, compressed, s.showHome)
	app.Get("/editions", cached, compressed, s.listEditions)
	app.Get("/editions/:slug", cached, compressed, s.showEdition)
	app.Get("/editions/:slug/calendar.ics", cached, compressed, s.editionCalendar)
	app.Get("/calendar.ics", cached, compressed, s.upcomingCalendar)
	app.Get("/archive", cached, compressed, s.showArchive)
	app.Get("/lecturers/:slug", cached, compressed, s.showLecturer)
	app.Get("/search", cached, compressed, s.searchCatalogue)
	app.Get("/documents/:id", s.downloadPublicDocument)
	app.Get("/alumni", cached, compressed, s.showAlumni)
	app.Get("/editions/:slug/alumni", cached, compressed, s.showEditionAlumni)
	app.Get("/sitemap.xml", cached, compressed, s.showSitemap)
	app.Get("/robots.txt", cached, compressed, s.showRobots)
	app.Get("/privacy", cached, compressed, s.showSchoolPrivacy)
	app.Get("/editions/:slug/privacy", cached, compressed, s.showEditionPrivacy)
	app.Get("/accessibility", cached, compressed, s.showAccessibility)

	// Applications: the form, and the applicant's own status page behind the secret link.
	forms := s.csrfProtection()
	app.Get("/editions/:slug/apply", forms, s.showApplyForm)
	app.Post("/editions/:slug/apply", s.limitForms("apply"), s.sendAgainWhenExpired(s.applyFormAgain), forms, s.submitApplication)
	app.Get("/editions/:slug/apply/sent", s.showApplicationSent)
	// Drafts saved with "Save and continue later", behind the emailed link (apply_draft.go).
	app.Post("/editions/:slug/apply/draft", s.limitForms("draft"), s.sendAgainWhenExpired(s.applyFormAgain), forms, s.saveNewDraft)
	app.Get("/editions/:slug/apply/draft/saved", s.showDraftSaved)
	app.Get("/drafts/:token", forms, s.showDraft)
	app.Post("/drafts/:token", s.limitForms("apply"), s.sendAgainWhenExpired(s.draftFormAgain), forms, s.submitDraft)
	app.Post("/drafts/:token/draft", s.limitForms("draft"), s.sendAgainWhenExpired(s.draftFormAgain), forms, s.saveDraftAgain)
	app.Get("/status/lost", forms, s.showLostLink)
	app.Post("/status/lost", s.limitForms("lost"), forms, s.sendLostLinks)
	app.Get("/status/:token", forms, s.showStatus)
	app.Get("/status/:token/files/:id", s.downloadApplicantFile)
	app.Get("/status/:token/documents/:id", s.downloadParticipantDocument)
	app.Get("/status/:token/edit", forms, s.showEditForm)
	app.Post("/status/:token/edit", s.limitForms("edit"), forms, s.saveEdit)
	app.Get("/status/:token/withdraw", forms, s.showWithdraw)
	app.Post("/status/:token/withdraw", forms, s.withdraw)
	app.Get("/status/:token/data.json", s.exportData)
	app.Post("/status/:token/erasure", forms, s.requestErasure)
	app.Post("/status/:token/confirm", forms, s.answerOffer(school.StatusConfirmed))
	app.Get("/status/:token/decline", forms, s.showDecline)
	app.Post("/status/:token/decline", forms, s.answerOffer(school.StatusDeclined))
	app.Get("/status/:token/visa-letter.pdf", s.downloadOwnDocument(school.DocumentVisaLetter))
	app.Post("/status/:token/visa-letter.pdf", forms, s.issueOwnLetter)
	app.Get("/status/:token/certificate.pdf", s.downloadOwnDocument(school.DocumentCertificate))
	app.Get("/status/:token/referees/:position", forms, s.showRefereeForm)
	app.Post("/status/:token/referees/:position", s.limitForms("referee"), forms, s.nameReferee)
	app.Post("/status/:token/referees/:position/again", s.limitForms("referee"), forms, s.askRefereeAgain)

	// A referee's page behind their own secret link (referee_page.go).
	app.Get("/referee/:token", forms, s.showRefereePage)
	app.Post("/referee/:token", s.limitForms("referee"), forms, s.sendReference)

	// Verification of letters and certificates, for anyone holding one; limited, so codes
	// cannot be tried in bulk.
	verify := s.limitForms("verify")
	app.Get("/verify", verify, s.showVerify)
	app.Get("/verify/:code", verify, s.verifyDocument)

	// Back office: every route after login checks the session, then the role.
	app.Get("/admin/login", forms, s.showLogin)
	app.Post("/admin/login", append(s.limitLogins("login", typedAccount), forms, s.login)...)
	app.Get("/admin/login/code", forms, s.showSecondStep)
	app.Post("/admin/login/code", append(s.limitLogins("code", s.pendingAccount), forms, s.secondStep)...)
	app.Get("/admin/login/sso", forms, s.startSSO)
	app.Get("/admin/login/sso/callback", append(s.limitLogins("sso", func(*fiber.Ctx) string { return "sso" }), forms, s.finishSSO)...)
	admin := app.Group("/admin", forms, s.requireUser)
	admin.Post("/logout", s.logout)
	admin.Get("/account", s.showAccount)
	admin.Post("/account/second-factor/new", s.startSecondFactor)
	admin.Post("/account/second-factor", s.confirmSecondFactor)
	admin.Post("/account/recovery-codes", s.renewRecoveryCodes)
	admin.Get("/", s.showDashboard)
	organisers := requireRole(school.RoleAdmin, school.RoleOrganiser)
	// Before /editions/:id, which would take "new" for an id.
	admin.Get("/editions/new", organisers, s.showNewEdition)
	admin.Post("/editions/new", organisers, s.createEdition)
	admin.Get("/editions/:id/applications", s.listApplications)
	admin.Get("/applications/:id", s.showApplication)
	admin.Get("/applications/:id/files/:file", s.downloadStaffFile)
	admin.Get("/applications/:id/referees/:referee/letter", s.downloadRefereeLetter)
	admin.Get("/users", requireRole(school.RoleAdmin), s.listUsers)
	admin.Get("/system", requireRole(school.RoleAdmin), s.showSystem)
	admin.Post("/users/assign", requireRole(school.RoleAdmin), s.assignStaff)
	admin.Post("/users/second-factor", requireRole(school.RoleAdmin), s.setSecondFactorPolicy)
	admin.Post("/users/:id/second-factor/reset", requireRole(school.RoleAdmin), s.resetSecondFactor)
	admin.Get("/editions/:id", s.showEditionDashboard)
	admin.Get("/editions/:id/export.:format<regex(^(csv|xlsx)$)>", s.exportApplications)
	admin.Get("/editions/:id/review", s.showReviewQueue)
	admin.Get("/applications/:id/review", s.showReviewForm)
	admin.Post("/applications/:id/review", s.submitReview)
	admin.Post("/applications/:id/decision", organisers, s.stageDecision)
	admin.Post("/applications/:id/notes", organisers, s.addNote)
	admin.Post("/applications/:id/fee-waiver", organisers, s.setFeeWaiver)
	admin.Get("/editions/:id/decisions", organisers, s.showDecisions)
	admin.Post("/editions/:id/decisions", organisers, s.releaseDecisions)
	admin.Get("/editions/:id/decisions/preview/:decision", organisers, s.showDecisionEmail)
	admin.Post("/editions/:id/bulk", organisers, s.bulkAction)
	admin.Get("/editions/:id/fill", organisers, s.showFillSeats)
	admin.Post("/editions/:id/fill", organisers, s.stageFillSeats)
	admin.Post("/editions/:id/ranking", organisers, s.setRanking)
	admin.Get("/outbox", organisers, s.showOutbox)
	admin.Post("/outbox/:id/retry", organisers, s.retryEmail)
	admin.Get("/outbox/:id", organisers, s.showEmail)
	admin.Get("/outbox/:id/html", organisers, s.showEmailHTML)
	admin.Get("/editions/:id/emails", organisers, s.showEmails)
	admin.Get("/editions/:id/emails/:name/:lang", organisers, s.showEmailEditor)
	admin.Post("/editions/:id/emails/:name/:lang", organisers, s.saveEmailTemplate)
	admin.Get("/editions/:id/send", organisers, s.showPracticalInformation)
	admin.Post("/editions/:id/send", organisers, s.sendPracticalInformation)
	admin.Get("/editions/:id/programme", organisers, s.showProgramme)
	admin.Get("/editions/:id/programme/new", organisers, s.showNewSession)
	admin.Post("/editions/:id/programme/new", organisers, s.createSession)
	admin.Get("/editions/:id/programme/:session", organisers, s.showSession)
	admin.Post("/editions/:id/programme/:session", organisers, s.saveSession)
	admin.Post("/editions/:id/programme/:session/delete", organisers, s.deleteSession)
	admin.Post("/editions/:id/programme/:session/move", organisers, s.moveSession)
	admin.Get("/lecturers/:id", organisers, s.showLecturerEditor)
	admin.Post("/lecturers/:id", organisers, s.saveLecturer)
	admin.Get("/editions/:id/documents", organisers, s.showDocuments)
	admin.Post("/editions/:id/documents", organisers, s.uploadDocument)
	admin.Post("/editions/:id/documents/:doc/delete", organisers, s.deleteDocument)
	admin.Post("/editions/:id/documents/:doc/move", organisers, s.moveDocument)
	admin.Get("/documents/:id", s.downloadStaffDocument)
	admin.Get("/applications/:id/visa-letter.pdf", organisers, s.downloadStaffLetter(school.DocumentVisaLetter))
	admin.Post("/applications/:id/visa-letter.pdf", organisers, s.issueStaffLetter)
	admin.Get("/applications/:id/certificate.pdf", organisers, s.downloadStaffLetter(school.DocumentCertificate))
	admin.Post("/editions/:id/certificates", organisers, s.issueCertificates)
	admin.Get("/editions/:id/edit", organisers, s.showEditionEditor)
	admin.Post("/editions/:id/edit", organisers, s.saveEdition)
	admin.Post("/editions/:id/references", organisers, s.saveReferences)
	admin.Post("/editions/:id/status", organisers, s.setEditionStatus)
	admin.Get("/editions/:id/clone", organisers, s.showCopyEdition)
	admin.Post("/editions/:id/clone", organisers, s.cloneEdition)
	admin.Get("/editions/:id/form", organisers, s.showFormBuilder)
	admin.Post("/editions/:id/form/fields", organisers, s.saveOptionalFields)
	admin.Post("/editions/:id/questions", organisers, s.addQuestion)
	admin.Post("/editions/:id/questions/:q", organisers, s.changeQuestion)
	admin.Post("/editions/:id/criteria", organisers, s.addCriterion)
	admin.Post("/editions/:id/criteria/:c", organisers, s.changeCriterion)
	admin.Get("/editions/:id/privacy", organisers, s.showPrivacy)
	admin.Get("/editions/:id/notice", organisers, s.showNoticeEditor)
	admin.Post("/editions/:id/notice", organisers, s.saveNotice)
	admin.Get("/editions/:id/processing", organisers, s.showProcessingRecord)
	admin.Get("/editions/:id/processing.pdf", organisers, s.downloadProcessingRecord)
	admin.Get("/erasure", organisers, s.showErasureQueue)
	admin.Post("/erasure/:id", organisers, s.carryOutErasure)
	s.addFollowUpRoutes(app, admin, forms, organisers)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
}
