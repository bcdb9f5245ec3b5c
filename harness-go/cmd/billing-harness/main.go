// Command billing-harness serves the billing package over the parity harness protocol, so that
// parity can run the same inputs through it and through the Rust port.
package main

import (
	"github.com/parity-dev/parity/harness-go"
	"github.com/parity-dev/parity/harness-go/billing"
)

func main() {
	harness.Register("ParseAmount", billing.ParseAmount)
	harness.Register("FormatAmount", billing.FormatAmount)
	harness.Register("SplitEvenly", billing.SplitEvenly)
	harness.Register("ApplyDiscount", billing.ApplyDiscount)
	harness.Register("Slugify", billing.Slugify)
	harness.Register("Truncate", billing.Truncate)
	harness.Register("TitleCase", billing.TitleCase)
	harness.Register("TagCounts", billing.TagCounts)
	harness.Register("NormalizeEmail", billing.NormalizeEmail)
	harness.Register("EncodeCursor", billing.EncodeCursor)
	harness.Register("DecodeCursor", billing.DecodeCursor)
	harness.Object("Ledger", billing.NewLedger)
	harness.Serve()
}
