// Self-benchmark mode: the harness's own decode, dispatch and encode rate, without I/O.

package harness

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"time"
)

// selfBench reads every request line from in, then, on one core, executes them over and over
// (decode, dispatch, encode into a reused buffer that is discarded) until at least one second has
// passed, and writes `{"requests":N,"seconds":S}` to out. No handshake is written.
func (r *registry) selfBench(in io.Reader, out io.Writer) error {
	runtime.GOMAXPROCS(1)
	data, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	var lines [][]byte
	for _, l := range bytes.Split(data, []byte{'\n'}) {
		if len(l) > 0 {
			lines = append(lines, l)
		}
	}
	n := 0
	reply := make([]byte, 0, 1<<16)
	start := time.Now()
	elapsed := time.Duration(0)
	for len(lines) > 0 && elapsed < time.Second {
		// Reading the clock every 256 requests keeps its cost out of the measurement.
		for i := 0; i < 256; i++ {
			reply = r.handle(reply[:0], lines[n%len(lines)])
			n++
		}
		elapsed = time.Since(start)
	}
	_, err = fmt.Fprintf(out, "{\"requests\":%d,\"seconds\":%s}\n", n, strconv.FormatFloat(elapsed.Seconds(), 'f', 6, 64))
	return err
}
