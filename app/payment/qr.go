// Package payment draws the QR codes that a banking app reads a payment from.
package payment

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// moduleSize is the pixels a side of one module takes, and quietZone the light modules around
// the code that readers need: a page shows the image at its size, so a phone's camera reads it
// from the screen.
const (
	moduleSize = 4
	quietZone  = 4
)

// QRImage draws payload as a QR code, a PNG of black and white pixels, at error correction
// level M (15 %), which the EPC's guidelines ask for and QR Platba recommends.
func QRImage(payload string) ([]byte, error) {
	code, err := qrcode.NewWith(payload, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionMedium),
		qrcode.WithEncodingMode(qrcode.EncModeByte))
	if err != nil {
		return nil, fmt.Errorf("payment: QR code: %w", err)
	}
	var bitmap [][]bool
	if err := code.Save(matrixWriter{&bitmap}); err != nil {
		return nil, fmt.Errorf("payment: QR code: %w", err)
	}
	side := (len(bitmap) + 2*quietZone) * moduleSize
	img := image.NewPaletted(image.Rect(0, 0, side, side), color.Palette{color.White, color.Black})
	for y, row := range bitmap {
		for x, dark := range row {
			if !dark {
				continue
			}
			for dy := range moduleSize {
				for dx := range moduleSize {
					img.SetColorIndex((x+quietZone)*moduleSize+dx, (y+quietZone)*moduleSize+dy, 1)
				}
			}
		}
	}
	var b bytes.Buffer
	if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&b, img); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// QRDataURI is the QR code of payload as a data: URI, for an <img> in a page (a few hundred
// bytes, no request of its own), and the side of the image in pixels.
func QRDataURI(payload string) (string, int, error) {
	img, err := QRImage(payload)
	if err != nil {
		return "", 0, err
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		return "", 0, err
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(img), cfg.Width, nil
}

// matrixWriter keeps the code's modules, dark as true, by row.
type matrixWriter struct{ bitmap *[][]bool }

func (w matrixWriter) Write(m qrcode.Matrix) error { *w.bitmap = m.Bitmap(); return nil }
func (w matrixWriter) Close() error                { return nil }
