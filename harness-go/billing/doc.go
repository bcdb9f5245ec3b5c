// Package billing holds the helpers the billing service's handlers share: parsing and
// formatting money amounts typed by users, splitting and discounting them, slugs, titles and
// truncation for invoice lines, tag statistics, e-mail normalization and opaque page cursors.
//
// Every function is pure and safe for concurrent use. Errors that callers branch on are
// sentinels (ErrInvalidAmount, ErrInvalidEmail, …) wrapped with a detail; match them with
// errors.Is.
package billing
