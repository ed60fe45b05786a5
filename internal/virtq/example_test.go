package virtq_test

import (
	"errors"
	"fmt"

	"vcrypto/internal/guestmem"
	"vcrypto/internal/virtq"
	"vcrypto/internal/virtq/virtqtest"
)

// serveBatch is the loop a queue goroutine runs after each kick.
func serveBatch(q *virtq.Queue, mem *guestmem.Memory, c *virtq.Chain, handle func(*virtq.Chain) uint32) (notify bool, err error) {
	if err := q.DisableNotification(mem); err != nil {
		return false, err
	}
	for {
		ok, err := q.Pop(mem, c)
		switch {
		case ok && err == nil:
			if err := q.Push(mem, c.Head(), handle(c)); err != nil {
				return false, err
			}
			continue
		case ok: // malformed chain: complete it empty so the driver can reuse it
			if err := q.Push(mem, c.Head(), 0); err != nil {
				return false, err
			}
			continue
		case errors.Is(err, virtq.ErrBadHead):
			continue
		case err != nil:
			return false, err
		}
		more, err := q.EnableNotification(mem)
		if err != nil {
			return false, err
		}
		if !more {
			break
		}
		if err := q.DisableNotification(mem); err != nil {
			return false, err
		}
	}
	return q.NeedsNotify(mem)
}

func Example() {
	d, _ := virtqtest.New(virtqtest.Config{Size: 8})
	q, _ := virtq.New(d.QueueConfig())
	d.Add([][]byte{[]byte("hello")}, []int{5, 1}) // request, then reply and status
	mem := d.Memory()

	var c virtq.Chain
	notify, err := serveBatch(q, mem, &c, func(c *virtq.Chain) uint32 {
		w := c.Writer()
		status, err := w.CarveStatus()
		if err != nil {
			return 0 // no room for a status: complete with length 0
		}
		buf := make([]byte, 5)
		if c.Reader().ReadFull(buf) != nil {
			status[0] = 1
			return uint32(c.WritableLen())
		}
		for i := range buf {
			buf[i] -= 'a' - 'A'
		}
		w.Write(buf)
		status[0] = 0
		return uint32(c.WritableLen())
	})
	fmt.Println("notify:", notify, "err:", err)
	used, _ := d.Used()
	fmt.Printf("head %d, len %d, reply %q\n", used[0].Head, used[0].Len, used[0].Writable)
	// Output:
	// notify: true err: <nil>
	// head 0, len 6, reply "HELLO\x00"
}
