// Package billing holds the helpers the billing service's handlers share: parsing and
// formatting money amounts typed by users, splitting and discounting them, slugs, titles and
// truncation for invoice lines, tag statistics, e-mail normalization and opaque page cursors,
// and Ledger, a bounded cache of open invoices.
//
// Every function is pure and safe for concurrent use; a Ledger is not. Errors that callers branch on are
// sentinels (ErrInvalidAmount, ErrInvalidEmail, …) wrapped with a detail; match them with
// errors.Is.
package billing
