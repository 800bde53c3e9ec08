// Package spill sorts more records than memory should hold: records are
// taken in runs, each run sorted and written to a temporary file, and the
// runs are read back merged. A record is a byte string and records sort
// as byte strings, so a record's encoding decides its order: fixed-width
// big-endian fields first.
package spill
