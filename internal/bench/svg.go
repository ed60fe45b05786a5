package bench

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"vcrypto/internal/daemon"
)

// Plot geometry (SVG user units).
const (
	panelW, panelH         = 300, 220
	plotL, plotR           = 66, 14 // margins inside a panel
	plotT, plotB           = 26, 34
	legendH                = 46
	maxCols                = 4
	colDevice, colDevice1  = "#1f6feb", "#54aeff"
	colEngine, colGo       = "#d1242f", "#6e7781"
	strokeDash, strokeDots = "6 4", "2 3"
)

type series struct {
	name, color, dash string
	pts               map[int]float64 // size -> MB/s
}

// WriteSVG draws throughput against request size, one panel per
// algorithm, both axes logarithmic: the device with the most requests in
// flight on one queue (with a polling and with a sleeping driver, at the
// daemon's default poll time if the run has it, else the first), the raw
// soft engine and raw Go crypto. The vertical gap between the device and the
// engine lines is the ratio of the table. The SVG is self-contained.
func (r *Report) WriteSVG(w io.Writer) error {
	var algs []string
	for _, c := range r.Cells {
		if !slices.Contains(algs, c.Algorithm) {
			algs = append(algs, c.Algorithm)
		}
	}
	for _, b := range r.Raw {
		if !slices.Contains(algs, b.Algorithm) {
			algs = append(algs, b.Algorithm)
		}
	}
	cols := max(min(len(algs), maxCols), 1)
	rows := max((len(algs)+cols-1)/cols, 1)
	width, height := cols*panelW, legendH+rows*panelH
	var buf bytes.Buffer
	fmt.Fprintf(&buf, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&buf, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="11">`+"\n", width, height, width, height)
	fmt.Fprintf(&buf, `<rect width="%d" height="%d" fill="white"/>`+"\n", width, height)
	maxIn, poll := 0, 0
	for _, c := range r.Cells {
		if c.Queues == 1 && c.InFlight > maxIn {
			maxIn = c.InFlight
		}
	}
	// The daemon's default poll time if the run has it, else the first.
	if len(r.Cells) > 0 {
		poll = r.Cells[0].PollUS
	}
	for _, c := range r.Cells {
		if c.PollUS == daemon.DefaultPollUS {
			poll = c.PollUS
		}
	}
	title := fmt.Sprintf("vcrypto: throughput against request size (%s mode, one queue, daemon poll %s µs; log scales)", r.Mode, pollName(poll))
	text(&buf, 8, 16, "start", "bold", title)
	legend := []series{
		{name: fmt.Sprintf("device, polling driver, %d in flight", maxIn), color: colDevice},
		{name: fmt.Sprintf("device, sleeping driver, %d in flight", maxIn), color: colDevice1},
		{name: "raw soft engine", color: colEngine, dash: strokeDash},
		{name: "raw Go crypto", color: colGo, dash: strokeDots},
	}
	x := 8
	for _, s := range legend {
		fmt.Fprintf(&buf, `<line x1="%d" y1="34" x2="%d" y2="34" stroke="%s" stroke-width="2"%s/>`+"\n", x, x+24, s.color, dashAttr(s.dash))
		text(&buf, x+30, 38, "start", "", s.name)
		x += 40 + 6*len(s.name)
	}
	for i, alg := range algs {
		ss := []series{
			{name: "device", color: colDevice, pts: map[int]float64{}},
			{name: "device1", color: colDevice1, pts: map[int]float64{}},
			{name: "engine", color: colEngine, dash: strokeDash, pts: map[int]float64{}},
			{name: "go", color: colGo, dash: strokeDots, pts: map[int]float64{}},
		}
		for _, c := range r.Cells {
			if c.Algorithm != alg || c.Queues != 1 || c.PollUS != poll {
				continue
			}
			if c.InFlight == maxIn && c.Driver == DriverPoll {
				ss[0].pts[c.Size] = c.MBps
			}
			if c.InFlight == maxIn && c.Driver == DriverSleep {
				ss[1].pts[c.Size] = c.MBps
			}
		}
		for _, b := range r.Raw {
			if b.Algorithm == alg {
				ss[2].pts[b.Size] = b.EngineMBps
				ss[3].pts[b.Size] = b.GoMBps
			}
		}
		panel(&buf, (i%cols)*panelW, legendH+(i/cols)*panelH, alg, ss)
	}
	buf.WriteString("</svg>\n")
	_, err := w.Write(buf.Bytes())
	return err
}

func dashAttr(d string) string {
	if d == "" {
		return ""
	}
	return fmt.Sprintf(` stroke-dasharray="%s"`, d)
}

// text writes an escaped <text> element.
func text(buf *bytes.Buffer, x, y int, anchor, weight, s string) {
	fmt.Fprintf(buf, `<text x="%d" y="%d" text-anchor="%s"`, x, y, anchor)
	if weight != "" {
		fmt.Fprintf(buf, ` font-weight="%s"`, weight)
	}
	buf.WriteString(">")
	xml.EscapeText(buf, []byte(s))
	buf.WriteString("</text>\n")
}

// panel draws one algorithm's axes and series with its top-left corner at
// (ox, oy).
func panel(buf *bytes.Buffer, ox, oy int, title string, ss []series) {
	var sizes []int
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, s := range ss {
		for size, v := range s.pts {
			if !slices.Contains(sizes, size) {
				sizes = append(sizes, size)
			}
			if v > 0 {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	slices.Sort(sizes)
	text(buf, ox+panelW/2, oy+16, "middle", "bold", title)
	x0, x1 := float64(ox+plotL), float64(ox+panelW-plotR)
	y0, y1 := float64(oy+panelH-plotB), float64(oy+plotT)
	fmt.Fprintf(buf, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="none" stroke="#999"/>`+"\n", x0, y1, x1-x0, y0-y1)
	if len(sizes) == 0 || math.IsInf(lo, 0) {
		text(buf, ox+panelW/2, oy+panelH/2, "middle", "", "no data")
		return
	}
	dlo, dhi := math.Floor(math.Log10(lo)), math.Ceil(math.Log10(hi))
	if dhi <= dlo {
		dhi = dlo + 1
	}
	slo, shi := math.Log2(float64(sizes[0])), math.Log2(float64(sizes[len(sizes)-1]))
	px := func(size int) float64 {
		if shi == slo {
			return (x0 + x1) / 2
		}
		return x0 + (math.Log2(float64(size))-slo)/(shi-slo)*(x1-x0)
	}
	py := func(v float64) float64 { return y0 - (math.Log10(v)-dlo)/(dhi-dlo)*(y0-y1) }
	for d := dlo; d <= dhi; d++ {
		y := py(math.Pow(10, d))
		fmt.Fprintf(buf, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", x0, y, x1, y)
		text(buf, int(x0)-4, int(y)+4, "end", "", mbLabel(math.Pow(10, d)))
	}
	for _, size := range sizes {
		x := px(size)
		fmt.Fprintf(buf, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e5e5e5"/>`+"\n", x, y0, x, y1)
		text(buf, int(x), int(y0)+14, "middle", "", FormatSize(size))
	}
	text(buf, ox+panelW/2, oy+panelH-6, "middle", "", "request size (bytes)")
	for _, s := range ss {
		var pts []string
		for _, size := range sizes {
			if v, ok := s.pts[size]; ok && v > 0 {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(size), py(v)))
			}
		}
		if len(pts) == 0 {
			continue
		}
		fmt.Fprintf(buf, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"%s/>`+"\n", strings.Join(pts, " "), s.color, dashAttr(s.dash))
		for _, p := range pts {
			xy := strings.Split(p, ",")
			fmt.Fprintf(buf, `<circle cx="%s" cy="%s" r="2.5" fill="%s"/>`+"\n", xy[0], xy[1], s.color)
		}
	}
}

// mbLabel names a power of ten of MB/s.
func mbLabel(v float64) string {
	switch {
	case v >= 1000:
		return fmt.Sprintf("%g GB/s", v/1000)
	case v < 1:
		return fmt.Sprintf("%g kB/s", v*1000)
	}
	return fmt.Sprintf("%g MB/s", v)
}
