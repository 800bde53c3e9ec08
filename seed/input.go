package seed

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"github.com/claimgraph/claimgraph/graph"
)

// Input is one input to Import: the name its positions and messages use,
// its format, and its content.
type Input struct {
	// Name names the input in positions (NAME:LINE:COL).
	Name string
	// Format is the input's format; when empty, Import tells it from the
	// content (see Import).
	Format Format
	// R, when set, is the content, read once as a stream; otherwise Data
	// is. Either may be gzip-compressed.
	R    io.Reader
	Data []byte
	// Dir, when set, is the directory the input was read from: a fact
	// file's source that names a textFile has it read from there. An
	// input without a Dir cannot name one.
	Dir fs.FS
}

// Options tune Import.
type Options struct {
	// Mapping reads RDF (N-Quads, JSON-LD) of foreign data as one bulk
	// import of the mapping's source; every input must then be RDF.
	// Without it, N-Quads must be claimgraph's own export, restored as
	// it is.
	Mapping *Mapping
	// DryRun reads and validates everything and counts what would change,
	// as the real run does, and writes nothing.
	DryRun bool
	// KeepAttribution restores who wrote each item and when, as a fact
	// file gives them (createdBy, recordedAt, …), instead of recording the
	// importing user (see graph.ApplyOptions).
	KeepAttribution bool
	// Limits bound decompression (see Limits).
	Limits Limits
	// Progress, when set, is called from time to time with the items a
	// bulk import has written so far and the total.
	Progress func(done, total int)
	// Warn, when set, receives what a mapping with "onInvalid: skip"
	// left out, one "NAME:LINE:COL: message" at a time.
	Warn func(message string)
}

// PartKind is the kind of change one part of an import makes.
type PartKind string

// Kinds of parts.
const (
	// PartFacts is the fact files of an import (YAML, JSON, CSV), merged
	// and applied as one change.
	PartFacts PartKind = "facts"
	// PartRestore is one N-Quads export of claimgraph's, restored.
	PartRestore PartKind = "restore"
	// PartBulk is RDF read through a mapping, written as one bulk import.
	PartBulk PartKind = "bulk"
)

// Part is one change an import made (or, in a dry run, would make).
type Part struct {
	Kind PartKind
	// Inputs names the inputs the part read, in order.
	Inputs []string
	// Mapping names the mapping file of a bulk import.
	Mapping string
	// Summary counts the items the part added, changed, left unchanged
	// and removed.
	Summary graph.Summary
}

// Report tells what an import did, part by part: the restores of
// claimgraph's own N-Quads first, one per input, then the fact files,
// then a bulk import.
type Report struct {
	Parts []Part
}

// Summary adds up the summaries of the parts.
func (r Report) Summary() graph.Summary {
	var s graph.Summary
	for _, p := range r.Parts {
		s.Added += p.Summary.Added
		s.Changed += p.Summary.Changed
		s.Unchanged += p.Summary.Unchanged
		s.Removed += p.Summary.Removed
		s.Diff = append(s.Diff, p.Summary.Diff...)
		s.Orphaned = append(s.Orphaned, p.Summary.Orphaned...)
	}
	return s
}

// Import reads inputs and writes them to st; it is the one way in for
// every caller (the seed command, the built-in seed, the GraphQL
// importFacts mutation and POST /import).
//
// Each input is read once, as a stream. A gzip-compressed input is
// decompressed within opts.Limits. An input without a Format has it told
// from the first bytes of its content: a JSON object is JSON-LD when it
// has "@context", "@graph", "@id" or "@type" keys and a fact file
// otherwise (claimgraph's JSON export is one); lines starting with "<"
// or "_:" are N-Quads; "<?xml" or "<graphml" is GraphML, which is refused
// as an export-only format; a first line of CSV column names is CSV;
// "---" or a line opening a section (ontology:, sources:, entities:,
// statements:) is YAML. Only content that does not tell has its name's
// suffix (.csv, .nq, .jsonld, .json, .yaml, .gz after any) decide, and
// YAML is the default. With opts.Mapping, a JSON input is JSON-LD.
//
// YAML, JSON and CSV inputs are fact files, merged in order into one
// batch and applied as one change (graph.Store.Apply). N-Quads without a
// mapping must be claimgraph's export: each is decoded into its items,
// validated and restored (see restore.go). With a mapping, N-Quads and
// JSON-LD inputs are read through it into one bulk import
// (graph.BulkStore). Every input is read and checked before anything is
// written: a problem in any input is a graph.Invalid *graph.Error listing
// every problem of every input, one NAME:LINE:COL: message line each, and
// nothing is written. Problems the store finds (unknown references,
// conflicts) are placed the same way and keep the store's code. An input
// past a size limit is graph.TooLarge.
//
// Import does not close the inputs' readers.
func Import(ctx context.Context, st graph.Store, inputs []Input, opts Options) (Report, error) {
	return importWith(ctx, st, inputs, opts, graph.ApplyOptions{DryRun: opts.DryRun, KeepAttribution: opts.KeepAttribution})
}

func importWith(ctx context.Context, st graph.Store, inputs []Input, opts Options, apply graph.ApplyOptions) (Report, error) {
	pl := &pipeline{st: st, opts: opts}
	defer pl.close()
	if err := pl.readAll(ctx, inputs); err != nil {
		return Report{}, err
	}
	return pl.write(ctx, apply)
}

// Load imports inputs held in memory, as Import does, and returns the
// summary of all its parts. opts applies to the fact files' change.
func Load(ctx context.Context, st graph.Store, opts graph.ApplyOptions, inputs ...Input) (graph.Summary, error) {
	rep, err := importWith(ctx, st, inputs, Options{DryRun: opts.DryRun}, opts)
	return rep.Summary(), err
}

// Parse reads fact files (YAML, JSON, CSV; the format told as Import
// tells it) and merges them, in order, into one batch. It checks the form
// of the files (syntax, known keys, the kind of each value, required
// fields), not their meaning: whether the entities and types a statement
// names exist is for graph.ValidateBatch or Store.Apply to say, and
// Locate places their problems.
//
// When any input is malformed, or is not a fact file, Parse returns a
// *graph.Error with code graph.Invalid whose message lists every problem
// of every input, one "FILE:LINE:COL: message" line each, ordered by
// input, line and column.
func Parse(inputs ...Input) (*Parsed, error) {
	pl := &pipeline{factsOnly: true}
	if err := pl.readAll(context.Background(), inputs); err != nil {
		return nil, err
	}
	return pl.facts, nil
}

// pipeline is one import: the inputs read, by the part they make, and
// every problem found in them.
type pipeline struct {
	st        graph.Store // nil for Parse
	opts      Options
	factsOnly bool // Parse: fact files only, no store

	diags      []diagnostic
	facts      *Parsed // the fact files, merged
	factNames  []string
	dumps      []*dump // claimgraph's own N-Quads, one per input
	dumpParsed []*Parsed
	rdf        *rdfGraph // RDF read through opts.Mapping
	rdfNames   []string
	bulk       graph.BulkImport
	ont        graph.Ontology // the stored ontology merged with the mapping's
}

// close releases what the pipeline holds beyond memory.
func (pl *pipeline) close() {
	if pl.rdf != nil {
		pl.rdf.close()
	}
}

// readAll reads and checks every input, and returns the problems found in
// all of them.
func (pl *pipeline) readAll(ctx context.Context, inputs []Input) error {
	pl.facts = &Parsed{items: map[string][]*item{}}
	if m := pl.opts.Mapping; m != nil {
		if err := pl.startMapped(ctx, m); err != nil {
			return err
		}
	}
	for i, in := range inputs {
		if in.Name == "" {
			in.Name = "input"
		}
		if err := pl.readInput(ctx, i, in); err != nil {
			return err
		}
	}
	if pl.rdf != nil && len(pl.rdfNames) > 0 {
		imp, err := pl.rdf.build(pl.ont, pl.opts.Warn)
		var ge *graph.Error
		if err != nil && !errors.As(err, &ge) {
			return err // the temporary files failed
		}
		if err == nil {
			pl.bulk = imp
		}
		pl.diags = append(pl.diags, pl.rdf.diags...)
	}
	if len(pl.diags) > 0 {
		return diagError(graph.Invalid, pl.diags)
	}
	graph.NormalizeBatch(&pl.facts.Batch)
	return nil
}

// refuse records a problem of a whole input.
func (pl *pipeline) refuse(index int, name, format string, args ...any) {
	addDiag(&pl.diags, diagnostic{fileIndex: index, msg: name + ": " + fmt.Sprintf(format, args...), whole: true})
}

// readInput reads one input with the parser of its format: it is the one
// place where an input's format is decided (given, or told from its
// content, the name's suffix a hint only where the content does not tell)
// and where the format picks the parser.
func (pl *pipeline) readInput(ctx context.Context, index int, in Input) error {
	if !in.Format.known() {
		pl.refuse(index, in.Name, "unknown format %q; %s", in.Format, formatsRead)
		return nil
	}
	var r *bufio.Reader
	data, head := in.Data, in.Data
	gzipped := len(in.Data) >= 2 && in.Data[0] == 0x1f && in.Data[1] == 0x8b
	if in.R != nil || gzipped {
		src := in.R
		if src == nil {
			src = bytes.NewReader(in.Data)
		}
		var err error
		if r, head, err = peek(src, in.Name, pl.opts.Limits); err != nil {
			return err
		}
	}
	mapped := pl.opts.Mapping != nil
	format := in.Format
	if format == "" && pl.factsOnly {
		// Parse reads fact files only: a name that says which kind is
		// taken at its word, so that its problems have positions.
		if f := suffixHint(in.Name); f.facts() {
			format = f
		}
	}
	if format == "" {
		var ok bool
		if format, ok = sniff(head[:min(len(head), sniffBytes)]); !ok {
			format = suffixHint(in.Name)
		}
		switch {
		case format == "" && mapped:
			format = FormatNQuads
		case format == "":
			format = FormatYAML
		case format == FormatJSON && mapped:
			format = FormatJSONLD // a mapping reads RDF: JSON is JSON-LD
		}
	}
	// whole reads an input of a format read whole.
	whole := func() ([]byte, error) {
		if r == nil {
			return data, nil
		}
		return readWhole(r, in.Name, MaxWholeBytes, true)
	}
	stream := func() io.Reader {
		if r == nil {
			return bytes.NewReader(data)
		}
		return r
	}

	switch {
	case format == FormatGraphML:
		pl.refuse(index, in.Name, "GraphML is an export format and cannot be seeded; %s", formatsRead)
	case mapped && format.facts():
		pl.refuse(index, in.Name, "a %s file cannot be read through a mapping: with a mapping every input is RDF (nquads or jsonld); seed fact files on their own", format)
	case !mapped && format == FormatJSONLD:
		pl.refuse(index, in.Name, "JSON-LD is read through an ontology mapping: give one with it (seed --mapping FILE)")
	case pl.factsOnly && !format.facts():
		pl.refuse(index, in.Name, "%s is not a fact file: Parse reads yaml, json, csv, articles and annotations, Import every format", format)

	case format == FormatYAML || format == FormatJSON:
		b, err := whole()
		if err != nil {
			return err
		}
		rd := &reader{parsed: pl.facts, file: in.Name, fileIndex: index, diags: &pl.diags, budget: nodeBudget(b), dir: in.Dir}
		rd.read(b)
		pl.factNames = append(pl.factNames, in.Name)
	case format == FormatCSV:
		b, err := whole()
		if err != nil {
			return err
		}
		rd := &csvReader{parsed: pl.facts, file: in.Name, fileIndex: index, data: b, diags: &pl.diags, statements: map[string]stmtRow{}}
		rd.read()
		pl.factNames = append(pl.factNames, in.Name)
	case format == FormatArticle:
		b := data
		if r != nil {
			var err error
			if b, err = readWhole(r, in.Name, 2*graph.MaxArticleBytes, false); err != nil {
				return err
			}
		}
		pl.facts.article(in.Name, b, index, &pl.diags)
		pl.factNames = append(pl.factNames, in.Name)
	case format == FormatAnnotations:
		b, err := whole()
		if err != nil {
			return err
		}
		pl.facts.readAnnotations(in.Name, b, index, &pl.diags)
		pl.factNames = append(pl.factNames, in.Name)
	case format == FormatNQuads && !mapped:
		if _, ok := pl.st.(restorer); !ok {
			return graph.Errorf(graph.Invalid, "%s: this store cannot restore N-Quads; give a mapping to import foreign data", in.Name)
		}
		d := newDump(in.Name, index)
		if err := d.read(ctx, stream()); err != nil {
			return err
		}
		p := d.build()
		pl.diags = append(pl.diags, d.diags...)
		pl.dumps = append(pl.dumps, d)
		pl.dumpParsed = append(pl.dumpParsed, p)
	case format == FormatNQuads || format == FormatJSONLD:
		pl.rdfNames = append(pl.rdfNames, in.Name)
		var err error
		if format == FormatJSONLD {
			err = pl.rdf.readJSONLD(ctx, in.Name, index, stream())
		} else {
			err = pl.rdf.read(ctx, in.Name, index, stream())
		}
		if err != nil {
			return err
		}
	default:
		return fmt.Errorf("seed: no reader for format %q", format) // cannot happen: every known format has a case
	}
	return nil
}

// peek returns a buffered reader of src, decompressed within lim when it
// starts as gzip data does, and the first bytes of its content, which
// stay to be read.
func peek(src io.Reader, name string, lim Limits) (*bufio.Reader, []byte, error) {
	r := bufio.NewReaderSize(src, sniffBytes)
	if magic, _ := r.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := guardGzip(r, name, lim)
		if err != nil {
			return nil, nil, err
		}
		r = bufio.NewReaderSize(gz, sniffBytes)
	}
	head, err := r.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, nil, inputReadError(name, err)
	}
	return r, head, nil
}

// write applies what read found, part by part: the restores, the fact
// files, the bulk import.
func (pl *pipeline) write(ctx context.Context, apply graph.ApplyOptions) (Report, error) {
	var rep Report
	for i, d := range pl.dumps {
		sum, err := d.restore(ctx, pl.st, pl.dumpParsed[i], pl.opts.DryRun)
		if err != nil {
			return rep, err
		}
		rep.Parts = append(rep.Parts, Part{Kind: PartRestore, Inputs: []string{d.name}, Summary: sum})
	}
	if len(pl.factNames) > 0 {
		apply.DryRun = pl.opts.DryRun
		sum, err := pl.st.Apply(ctx, pl.facts.Batch, apply)
		if err != nil {
			pl.facts.learnStored(ctx, pl.st, err)
			return rep, pl.facts.Locate(err)
		}
		rep.Parts = append(rep.Parts, Part{Kind: PartFacts, Inputs: pl.factNames, Summary: sum})
	}
	if len(pl.rdfNames) > 0 {
		bs := pl.st.(graph.BulkStore) // checked by startMapped
		sum, err := bs.Import(ctx, pl.bulk, graph.BulkOptions{DryRun: pl.opts.DryRun, Progress: pl.opts.Progress})
		if err != nil {
			return rep, pl.rdf.locate(err)
		}
		rep.Parts = append(rep.Parts, Part{Kind: PartBulk, Inputs: pl.rdfNames, Mapping: pl.opts.Mapping.File, Summary: sum})
	}
	return rep, nil
}
