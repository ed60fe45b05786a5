package metrics

import (
	"bytes"
	"math"
	"strconv"
	"strings"
)

// encoder writes the text exposition format 0.0.4: "# HELP" and "# TYPE"
// lines once per family, then one line per sample:
// name{label="value",...} value.
type encoder struct {
	b *bytes.Buffer
}

// helpEscaper and labelEscaper apply the format's escaping: in HELP text
// backslash and newline; in label values also the double quote.
var (
	helpEscaper  = strings.NewReplacer(`\`, `\\`, "\n", `\n`)
	labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)
)

func (e *encoder) header(name, typ, help string) {
	e.b.WriteString("# HELP ")
	e.b.WriteString(name)
	e.b.WriteByte(' ')
	e.b.WriteString(helpEscaper.Replace(help))
	e.b.WriteString("\n# TYPE ")
	e.b.WriteString(name)
	e.b.WriteByte(' ')
	e.b.WriteString(typ)
	e.b.WriteByte('\n')
}

func (e *encoder) labels(ls [][2]string) {
	if len(ls) == 0 {
		return
	}
	e.b.WriteByte('{')
	for i, l := range ls {
		if i > 0 {
			e.b.WriteByte(',')
		}
		e.b.WriteString(l[0])
		e.b.WriteString(`="`)
		e.b.WriteString(labelEscaper.Replace(l[1]))
		e.b.WriteByte('"')
	}
	e.b.WriteByte('}')
}

func (e *encoder) sample(name string, ls [][2]string, v float64) {
	e.b.WriteString(name)
	e.labels(ls)
	e.b.WriteByte(' ')
	e.b.WriteString(formatFloat(v))
	e.b.WriteByte('\n')
}

func (e *encoder) sampleU(name string, ls [][2]string, v uint64) {
	e.b.WriteString(name)
	e.labels(ls)
	e.b.WriteByte(' ')
	e.b.WriteString(strconv.FormatUint(v, 10))
	e.b.WriteByte('\n')
}

// formatFloat renders a sample value or an le bound as the format wants
// them: Go float syntax, with +Inf, -Inf and NaN spelled so.
func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case math.IsNaN(v):
		return "NaN"
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}
