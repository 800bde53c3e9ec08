// Package bolttest helps tests damage bolt files on purpose: it lists the
// pages of a file as bbolt sees them, so that a test can choose a page of
// the tree or of the free list, and inverts bytes in place.
package bolttest
