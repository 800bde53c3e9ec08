package schema

import "github.com/graphql-go/graphql"

// warmEnums fills the lookup tables of every enum type of s. graphql-go
// v0.8.1 builds them lazily, on the first parse or serialization, without a
// lock: two requests that use the same enum at once race, and a concurrent
// map write can end the process. Filled once, before the schema serves,
// they are only ever read.
func warmEnums(s graphql.Schema) {
	for _, t := range s.TypeMap() {
		e, ok := t.(*graphql.Enum)
		if !ok {
			continue
		}
		for _, v := range e.Values() {
			e.ParseValue(v.Name)
			e.Serialize(v.Value)
		}
	}
}
