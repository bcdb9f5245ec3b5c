package billing

import (
	"errors"
	"fmt"
)

// Ledger is a bounded cache of open invoices, each an id and an amount in cents. When it is
// full, adding an invoice first evicts the oldest one (insertion order). A Ledger is not safe
// for concurrent use.
type Ledger struct {
	capacity int
	order    []string         // ids, oldest first
	cents    map[string]int64 // amount by id, for every id in order
}

// NewLedger returns an empty ledger holding at most capacity invoices.
func NewLedger(capacity int) (*Ledger, error) {
	if capacity < 1 {
		return nil, fmt.Errorf("capacity must be positive, got %d", capacity)
	}
	return &Ledger{capacity: capacity, cents: make(map[string]int64)}, nil
}

// Add records invoice id for cents. An id that is present is an error; when the ledger is
// full, the oldest invoice is evicted to make room.
func (l *Ledger) Add(id string, cents int64) error {
	if id == "" {
		return errors.New("invoice id must not be empty")
	}
	if _, ok := l.cents[id]; ok {
		return fmt.Errorf("invoice %q already exists", id)
	}
	if len(l.order) == l.capacity {
		l.evict()
	}
	l.order = append(l.order, id)
	l.cents[id] = cents
	return nil
}

// Get returns the cents of invoice id.
func (l *Ledger) Get(id string) (int64, error) {
	c, ok := l.cents[id]
	if !ok {
		return 0, fmt.Errorf("no invoice %q", id)
	}
	return c, nil
}

// EvictOldest removes the oldest invoice and returns its id.
func (l *Ledger) EvictOldest() (string, error) {
	if len(l.order) == 0 {
		return "", errors.New("ledger is empty")
	}
	return l.evict(), nil
}

// evict removes the oldest invoice of a non-empty ledger and returns its id.
func (l *Ledger) evict() string {
	id := l.order[0]
	l.order = l.order[1:]
	delete(l.cents, id)
	return id
}

// Total is the sum of the cents of the invoices present, wrapping around on overflow.
func (l *Ledger) Total() int64 {
	var sum int64
	for _, c := range l.cents {
		sum += c
	}
	return sum
}

// IDs returns the ids present, oldest first, in a slice the caller owns (empty, not nil, for
// an empty ledger).
func (l *Ledger) IDs() []string {
	return append([]string{}, l.order...)
}

// Len is the number of invoices present.
func (l *Ledger) Len() int {
	return len(l.order)
}
