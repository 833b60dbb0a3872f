package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"html"
	"strconv"
	"strings"

	"registrar/app/ops"
	"registrar/db"
)

// DiskLow is the email that tells an admin the data folder's disk is nearly full. Staff choose
// no language, so it says it in Czech and in English.
func (m *Emails) DiskLow(to string, st ops.DiskState, folder, threshold string) db.Email {
	args := []any{"Folder", folder, "Free", megabytes(st.Free), "Min", megabytes(st.Min), "Threshold", threshold}
	var text strings.Builder
	for _, lang := range []string{"cs", "en"} {
		L := m.i18n.Translator(lang)
		text.WriteString(L.T("disk_low_email_body", args...) + "\n\n")
	}
	subject := m.i18n.Translator("cs").T("disk_low_email_subject") + " / " + m.i18n.Translator("en").T("disk_low_email_subject")
	body := strings.TrimSpace(text.String())
	return db.Email{To: to, Lang: "cs", Subject: subject, Text: body, Template: "disk_low",
		HTML: "<p>" + strings.ReplaceAll(html.EscapeString(body), "\n\n", "</p><p>") + "</p>"}
}

func megabytes(n uint64) string { return strconv.FormatUint(n>>20, 10) + " MB" }

// SendNow sends an email at once, past the outbox: only for the email that must go when the
// outbox cannot take it (a disk too full to queue it). It is not retried.
func (o *Outbox) SendNow(ctx context.Context, e db.Email) error {
	id := make([]byte, 16)
	if _, err := rand.Read(id); err != nil {
		return err
	}
	return o.send(ctx, db.OutboxMessage{To: e.To, Lang: e.Lang, Subject: e.Subject, Text: e.Text,
		HTML: e.HTML, Template: e.Template, MessageID: "<" + hex.EncodeToString(id) + "@registrar>"})
}
