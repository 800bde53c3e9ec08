// Package feed fans the change events of a store out to subscribers.
//
// A Hub reads the events of a graph.EventLog as they are committed (woken
// by the store, and by a poll in case a wake-up was lost) and hands each
// to every subscription whose filter takes it, in id order. A subscription
// may start after a given event id: it first gets the events it missed,
// from the hub's memory or read back from the store, then the live ones,
// with no gap and no repeat between the two, as long as those events are
// in the window: the last events the store keeps (a count), and none older
// than Options.MaxAge. Each subscription has a
// bounded queue: one that falls behind by more than Options.Queue events
// is ended with ErrTooSlow instead of growing without bound.
package feed
