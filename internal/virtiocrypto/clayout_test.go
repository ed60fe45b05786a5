package virtiocrypto

// A small C struct layout calculator for the test: it reads the struct
// definitions of the ratified spec (the lstlisting blocks of
// testdata/virtio-v1.4-cs01-crypto-description.tex) and of Linux's uapi
// header (testdata/linux-6.1-uapi-virtio_crypto.h) and computes every
// field's offset and size with C's natural alignment rules (each le16/le32/
// le64 aligned to its size, structs to their largest member, unions at
// offset 0, sizes rounded up to the alignment). The layout tests compare our
// encoders against these offsets, so the expected numbers come from the two
// published texts and not from our own code.

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

type cField struct {
	path      string
	off, size int
}

type cStruct struct {
	name        string
	size, align int
	variable    bool // has a variable-length or flexible array
	fields      []cField
}

type cLayouts struct {
	defines map[string]uint64
	structs map[string]*cStruct
}

var (
	reBlockComment = regexp.MustCompile(`(?s)/\*.*?\*/`)
	reLineComment  = regexp.MustCompile(`//[^\n]*`)
	reDefine       = regexp.MustCompile(`^#define\s+([A-Za-z0-9_]+)\s+(0x[0-9a-fA-F]+|\d+)\s*$`)
	reToken        = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*|[0-9]+|\S`)
	reListing      = regexp.MustCompile(`(?s)\\begin\{lstlisting\}(?:\[[^\]]*\])?(.*?)\\end\{lstlisting\}`)
)

// stripC removes comments and preprocessor lines (joining backslash
// continuations), collecting numeric #defines.
func stripC(src string, defines map[string]uint64) string {
	src = reBlockComment.ReplaceAllString(src, " ")
	src = reLineComment.ReplaceAllString(src, "")
	src = strings.ReplaceAll(src, "\\\n", " ")
	var out strings.Builder
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") {
			if m := reDefine.FindStringSubmatch(t); m != nil {
				v, err := strconv.ParseUint(m[2], 0, 64)
				if err == nil {
					defines[m[1]] = v
				}
			}
			continue
		}
		out.WriteString(line)
		out.WriteByte('\n')
	}
	return out.String()
}

var scalarSizes = map[string]int{
	"u8": 1, "__u8": 1, "uint8_t": 1,
	"le16": 2, "__le16": 2, "u16": 2, "__u16": 2, "uint16_t": 2,
	"le32": 4, "__le32": 4, "u32": 4, "__u32": 4, "uint32_t": 4,
	"le64": 8, "__le64": 8, "u64": 8, "__u64": 8, "uint64_t": 8,
}

type cParser struct {
	toks []string
	pos  int
	l    *cLayouts
}

func (p *cParser) peek(i int) string {
	if p.pos+i < len(p.toks) {
		return p.toks[p.pos+i]
	}
	return ""
}

func (p *cParser) next() string {
	t := p.peek(0)
	p.pos++
	return t
}

func (p *cParser) expect(t string) error {
	if got := p.next(); got != t {
		return fmt.Errorf("expected %q, got %q at token %d", t, got, p.pos-1)
	}
	return nil
}

// member is one parsed member before layout.
type member struct {
	name  string
	size  int
	align int
	count int // array length; -1 for variable/flexible
	sub   *cStruct
}

// parseBody parses members up to and including the closing brace.
func (p *cParser) parseBody() ([]member, error) {
	var ms []member
	for {
		t := p.peek(0)
		switch t {
		case "":
			return nil, fmt.Errorf("unexpected end inside struct")
		case "}":
			p.next()
			return ms, nil
		case "struct", "union":
			p.next()
			var sub *cStruct
			if p.peek(0) == "{" {
				p.next()
				inner, err := p.parseBody()
				if err != nil {
					return nil, err
				}
				sub = layout("", inner, t == "union")
			} else {
				tag := p.next()
				s, ok := p.l.structs[tag]
				if !ok {
					return nil, errUnknownStruct(tag)
				}
				sub = s
			}
			name := ""
			if p.peek(0) != ";" {
				name = p.next()
			}
			count, err := p.arraySuffix()
			if err != nil {
				return nil, err
			}
			if err := p.expect(";"); err != nil {
				return nil, err
			}
			ms = append(ms, member{name: name, size: sub.size, align: sub.align, count: count, sub: sub})
		default:
			typ := p.next()
			sz, ok := scalarSizes[typ]
			if !ok {
				return nil, fmt.Errorf("unknown type %q", typ)
			}
			name := p.next()
			count, err := p.arraySuffix()
			if err != nil {
				return nil, err
			}
			if err := p.expect(";"); err != nil {
				return nil, err
			}
			ms = append(ms, member{name: name, size: sz, align: sz, count: count})
		}
	}
}

// arraySuffix parses an optional [N]; N is a number or a known #define,
// anything else (a length field name, or nothing) is variable (-1).
func (p *cParser) arraySuffix() (int, error) {
	if p.peek(0) != "[" {
		return 1, nil
	}
	p.next()
	n := -1
	var inner []string
	for p.peek(0) != "]" {
		if p.peek(0) == "" {
			return 0, fmt.Errorf("unterminated array")
		}
		inner = append(inner, p.next())
	}
	p.next()
	if len(inner) == 1 {
		if v, err := strconv.Atoi(inner[0]); err == nil {
			n = v
		} else if v, ok := p.l.defines[inner[0]]; ok {
			n = int(v)
		}
	}
	return n, nil
}

func roundUp(n, a int) int { return (n + a - 1) / a * a }

// layout computes offsets of a struct or union from its members.
func layout(name string, ms []member, union bool) *cStruct {
	s := &cStruct{name: name, align: 1}
	off := 0
	for _, m := range ms {
		if m.align > s.align {
			s.align = m.align
		}
		if !union {
			off = roundUp(off, m.align)
		}
		at := off
		if union {
			at = 0
		}
		n := m.count
		if n < 0 {
			s.variable = true
			n = 0
		}
		if m.sub != nil {
			if m.sub.variable {
				s.variable = true
			}
			if n > 0 {
				for _, f := range m.sub.fields {
					path := f.path
					if m.name != "" {
						path = m.name + "." + f.path
					}
					s.fields = append(s.fields, cField{path: path, off: at + f.off, size: f.size})
				}
			}
			if m.name != "" {
				s.fields = append(s.fields, cField{path: m.name, off: at, size: m.size * n})
			}
		} else {
			s.fields = append(s.fields, cField{path: m.name, off: at, size: m.size * n})
		}
		end := at + m.size*n
		if union {
			if end > off {
				off = end
			}
		} else {
			off = end
		}
	}
	s.size = roundUp(off, s.align)
	return s
}

// errUnknownStruct marks a reference to a struct not (yet) defined; the spec
// uses struct virtio_crypto_inhdr before defining it.
type errUnknownStruct string

func (e errUnknownStruct) Error() string { return "unknown struct " + string(e) }

// parseTop registers every "struct NAME { ... }" in the token stream,
// retrying definitions that refer to structs defined later.
func (p *cParser) parseTop() error {
	type pending struct {
		name  string
		start int
	}
	var todo []pending
	for p.pos < len(p.toks) {
		switch {
		case p.peek(0) == "struct" && p.peek(2) == "{":
			todo = append(todo, pending{p.peek(1), p.pos + 3})
			p.pos += 3
			if err := p.skipBraces(); err != nil {
				return err
			}
		case p.peek(0) == "enum":
			for p.pos < len(p.toks) && p.next() != "}" {
			}
		default:
			p.next()
		}
	}
	for len(todo) > 0 {
		var again []pending
		var lastErr error
		for _, d := range todo {
			p.pos = d.start
			ms, err := p.parseBody()
			var unk errUnknownStruct
			if errors.As(err, &unk) {
				again = append(again, d)
				lastErr = fmt.Errorf("struct %s: %w", d.name, err)
				continue
			}
			if err != nil {
				return fmt.Errorf("struct %s: %w", d.name, err)
			}
			s := layout(d.name, ms, false)
			if old, ok := p.l.structs[d.name]; ok && (old.size != s.size || old.variable != s.variable) {
				return fmt.Errorf("struct %s defined twice with different layouts", d.name)
			}
			p.l.structs[d.name] = s
		}
		if len(again) == len(todo) {
			return lastErr
		}
		todo = again
	}
	return nil
}

// skipBraces advances past the closing brace matching an opening brace
// already consumed.
func (p *cParser) skipBraces() error {
	depth := 1
	for depth > 0 {
		switch p.next() {
		case "{":
			depth++
		case "}":
			depth--
		case "":
			return fmt.Errorf("unbalanced braces")
		}
	}
	return nil
}

func parseCLayouts(src string) (*cLayouts, error) {
	l := &cLayouts{defines: map[string]uint64{}, structs: map[string]*cStruct{}}
	code := stripC(src, l.defines)
	p := &cParser{toks: reToken.FindAllString(code, -1), l: l}
	if err := p.parseTop(); err != nil {
		return nil, err
	}
	return l, nil
}

const (
	specFile  = "testdata/virtio-v1.4-cs01-crypto-description.tex"
	linuxFile = "testdata/linux-6.1-uapi-virtio_crypto.h"
)

// specListings returns the concatenated lstlisting blocks of the spec.
func specListings(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile(specFile)
	if err != nil {
		t.Fatal(err)
	}
	var sb strings.Builder
	for _, m := range reListing.FindAllStringSubmatch(string(b), -1) {
		sb.WriteString(m[1])
		sb.WriteByte('\n')
	}
	return sb.String()
}

func loadLayout(t testing.TB, src string) *cLayouts {
	t.Helper()
	var text string
	switch src {
	case "spec":
		text = specListings(t)
	case "linux":
		b, err := os.ReadFile(linuxFile)
		if err != nil {
			t.Fatal(err)
		}
		text = string(b)
	default:
		t.Fatalf("unknown source %q", src)
	}
	l, err := parseCLayouts(text)
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return l
}

func (l *cLayouts) field(t testing.TB, strct, path string) cField {
	t.Helper()
	s, ok := l.structs[strct]
	if !ok {
		t.Fatalf("no struct %s", strct)
	}
	for _, f := range s.fields {
		if f.path == path {
			return f
		}
	}
	t.Fatalf("struct %s has no field %s", strct, path)
	return cField{}
}

func (l *cLayouts) sizeof(t testing.TB, strct string) int {
	t.Helper()
	s, ok := l.structs[strct]
	if !ok {
		t.Fatalf("no struct %s", strct)
	}
	if s.variable {
		t.Fatalf("struct %s has a variable-length part", strct)
	}
	return s.size
}

// TestCLayoutCalculator checks the calculator itself on layouts whose
// offsets are stated in prose elsewhere: the spec's padding macros (56 and
// 48 bytes) and Linux's union paddings.
func TestCLayoutCalculator(t *testing.T) {
	lin := loadLayout(t, "linux")
	spec := loadLayout(t, "spec")
	for _, c := range []struct {
		l    *cLayouts
		name string
		want int
	}{
		{lin, "virtio_crypto_op_ctrl_req", 16 + 56},
		{lin, "virtio_crypto_op_data_req", 24 + 48},
		{lin, "virtio_crypto_config", 56},
		{lin, "virtio_crypto_sym_data_req", 48},
		{lin, "virtio_crypto_sym_create_session_req", 56},
		{lin, "virtio_crypto_akcipher_create_session_req", 56},
		{lin, "virtio_crypto_destroy_session_req", 56},
		{spec, "virtio_crypto_config", 56},
		{spec, "virtio_crypto_sym_create_session_flf", int(spec.defines["VIRTIO_CRYPTO_SYM_SESS_OP_SPEC_HDR_SIZE"]) + 8},
		{spec, "virtio_crypto_sym_data_flf", int(spec.defines["VIRTIO_CRYPTO_SYM_DATA_REQ_HDR_SIZE"]) + 8},
		{spec, "virtio_crypto_akcipher_create_session_flf", 12 + int(spec.defines["VIRTIO_CRYPTO_AKCIPHER_SESS_ALGO_SPEC_HDR_SIZE"])},
	} {
		if got := c.l.sizeof(t, c.name); got != c.want {
			t.Errorf("sizeof(%s) = %d, want %d", c.name, got, c.want)
		}
	}
	if got := spec.defines["VIRTIO_CRYPTO_CTRLQ_OP_SPEC_HDR_LEGACY"]; got != 56 {
		t.Errorf("VIRTIO_CRYPTO_CTRLQ_OP_SPEC_HDR_LEGACY = %d", got)
	}
	if got := spec.defines["VIRTIO_CRYPTO_DATAQ_OP_SPEC_HDR_LEGACY"]; got != 48 {
		t.Errorf("VIRTIO_CRYPTO_DATAQ_OP_SPEC_HDR_LEGACY = %d", got)
	}
	// Known offsets, written out in research/spec-diff.md §11-12 and
	// checked with gcc offsetof() on the Linux header.
	for _, c := range []struct {
		l           *cLayouts
		strct, path string
		off         int
	}{
		{lin, "virtio_crypto_op_data_req", "u.sym_req.op_type", 64},
		{lin, "virtio_crypto_op_data_req", "u.sym_req.u.chain.para.hash_result_len", 56},
		{lin, "virtio_crypto_op_ctrl_req", "u.sym_create_session.op_type", 64},
		{lin, "virtio_crypto_op_ctrl_req", "u.sym_create_session.u.chain.para.aad_len", 56},
		{lin, "virtio_crypto_op_ctrl_req", "u.akcipher_create_session.para.u.rsa.hash_algo", 32},
		{lin, "virtio_crypto_config", "max_size", 48},
		{spec, "virtio_crypto_alg_chain_data_flf_stateless", "hash_result_len", 64},
		{spec, "virtio_crypto_akcipher_data_flf_stateless", "dst_data_len", 24},
	} {
		if got := c.l.field(t, c.strct, c.path).off; got != c.off {
			t.Errorf("offsetof(%s, %s) = %d, want %d", c.strct, c.path, got, c.off)
		}
	}
}
