package movietest

import (
	"strings"
	"testing"
)

func TestWriteScaledSuffixesNodesButNotTypes(t *testing.T) {
	data := "_:1 </film/performance/actor> </en/gene_kelly> .\n" +
		"</en/gene_kelly> <type> </people/person> .\n" +
		"</en/gene_kelly> <name> \"Gene Kelly\" .\n\n"
	var out strings.Builder
	n, err := WriteScaled(&out, []byte(data), 2)
	if err != nil {
		t.Fatal(err)
	}
	want := data[:len(data)-1] +
		"_:1_x2 </film/performance/actor> </en/gene_kelly_x2> .\n" +
		"</en/gene_kelly_x2> <type> </people/person> .\n" +
		"</en/gene_kelly_x2> <name> \"Gene Kelly\" .\n"
	if n != 6 || out.String() != want {
		t.Errorf("WriteScaled = %d lines:\n%s\nwant 6:\n%s", n, out.String(), want)
	}
}
