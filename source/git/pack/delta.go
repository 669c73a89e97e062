package pack

// Op is one instruction of a delta: copy Len bytes from offset From of the
// base, or insert Len bytes that the delta carries at offset From. Target
// is where its bytes land in the result.
type Op struct {
	Insert bool
	Target uint64
	From   uint64
	Len    uint64
}

// DeltaSizes reads the base and result sizes a delta starts with, and
// returns where its instructions start.
func DeltaSizes(delta []byte) (base, result uint64, start int, err error) {
	base, i, err := deltaVarint(delta, 0)
	if err != nil {
		return 0, 0, 0, err
	}
	result, i, err = deltaVarint(delta, i)
	if err != nil {
		return 0, 0, 0, err
	}
	if base > MaxObjectSize || result > MaxObjectSize {
		return 0, 0, 0, formatErr("delta of a %d byte base to a %d byte result", base, result)
	}
	return base, result, i, nil
}

func deltaVarint(b []byte, i int) (uint64, int, error) {
	var v uint64
	for shift := uint(0); ; shift += 7 {
		if i >= len(b) || shift > 63 {
			return 0, i, formatErr("delta size runs on")
		}
		c := b[i]
		i++
		v |= uint64(c&0x7f) << shift
		if c&0x80 == 0 {
			return v, i, nil
		}
	}
}

// Ops parses a delta's instructions against a base of baseLen bytes,
// appending them to ops, and returns them with the result's size. Every
// copy lies within the base, every insert within the delta, and the
// instructions add up to the size the delta announces.
func Ops(delta []byte, baseLen uint64, ops []Op) ([]Op, uint64, error) {
	base, result, i, err := DeltaSizes(delta)
	if err != nil {
		return ops, 0, err
	}
	if base != baseLen {
		return ops, 0, formatErr("delta for a %d byte base applied to %d bytes", base, baseLen)
	}
	var at uint64
	for i < len(delta) {
		c := delta[i]
		i++
		switch {
		case c&0x80 != 0:
			var off, n uint64
			for k := range 4 {
				if c&(1<<k) != 0 {
					if i >= len(delta) {
						return ops, 0, formatErr("delta copy cut short")
					}
					off |= uint64(delta[i]) << (8 * k)
					i++
				}
			}
			for k := range 3 {
				if c&(0x10<<k) != 0 {
					if i >= len(delta) {
						return ops, 0, formatErr("delta copy cut short")
					}
					n |= uint64(delta[i]) << (8 * k)
					i++
				}
			}
			if n == 0 {
				n = 0x10000
			}
			if off+n > baseLen {
				return ops, 0, formatErr("delta copies %d bytes at %d from a %d byte base", n, off, baseLen)
			}
			ops = append(ops, Op{Target: at, From: off, Len: n})
			at += n
		case c != 0:
			n := uint64(c)
			if uint64(i)+n > uint64(len(delta)) {
				return ops, 0, formatErr("delta insert cut short")
			}
			ops = append(ops, Op{Insert: true, Target: at, From: uint64(i), Len: n})
			i += int(n)
			at += n
		default:
			return ops, 0, formatErr("delta instruction 0")
		}
		if at > result {
			return ops, 0, formatErr("delta makes more than the %d bytes it announces", result)
		}
	}
	if at != result {
		return ops, 0, formatErr("delta makes %d bytes, announces %d", at, result)
	}
	return ops, result, nil
}

// Apply builds the result of ops (from Ops) on base and delta into dst,
// grown when short, and returns it.
func Apply(base, delta []byte, ops []Op, size uint64, dst []byte) []byte {
	if uint64(cap(dst)) < size {
		dst = make([]byte, size)
	}
	dst = dst[:size]
	for _, op := range ops {
		if op.Insert {
			copy(dst[op.Target:op.Target+op.Len], delta[op.From:op.From+op.Len])
		} else {
			copy(dst[op.Target:op.Target+op.Len], base[op.From:op.From+op.Len])
		}
	}
	return dst
}
