package virtiocrypto

import (
	"encoding/binary"
	"fmt"
)

var le = binary.LittleEndian

// ConfigSize is the size of struct virtio_crypto_config.
const ConfigSize = 56

// Config is the device configuration space, struct virtio_crypto_config
// ("Device configuration layout"; Linux struct virtio_crypto_config). The
// 64-bit algorithm masks are split on the wire into _l (bits 0-31) and _h
// (bits 32-63) words. Bit n of a mask means algorithm n is supported.
//
// Wire layout (little-endian): status@0, max_dataqueues@4,
// crypto_services@8, cipher_algo_l@12, cipher_algo_h@16, hash_algo@20,
// mac_algo_l@24, mac_algo_h@28, aead_algo@32, max_cipher_key_len@36,
// max_auth_key_len@40, akcipher_algo@44, max_size@48 (le64).
type Config struct {
	Status          uint32 // StatusHWReady when the device accepts requests
	MaxDataQueues   uint32 // 1..65535
	Services        uint32 // crypto_services: bit n = Service n
	CipherAlgos     uint64 // cipher_algo_l | cipher_algo_h<<32
	HashAlgos       uint32 // hash_algo
	MACAlgos        uint64 // mac_algo_l | mac_algo_h<<32
	AEADAlgos       uint32 // aead_algo
	MaxCipherKeyLen uint32
	MaxAuthKeyLen   uint32
	AkcipherAlgos   uint32 // akcipher_algo
	MaxSize         uint64 // maximum size of a request's variable-length data
}

// ParseConfig decodes a configuration space. b must hold at least
// ConfigSize bytes; bytes after it are ignored.
func ParseConfig(b []byte) (Config, error) {
	if len(b) < ConfigSize {
		return Config{}, short("virtio_crypto_config", ConfigSize, len(b))
	}
	return Config{
		Status:          le.Uint32(b[0:]),
		MaxDataQueues:   le.Uint32(b[4:]),
		Services:        le.Uint32(b[8:]),
		CipherAlgos:     uint64(le.Uint32(b[12:])) | uint64(le.Uint32(b[16:]))<<32,
		HashAlgos:       le.Uint32(b[20:]),
		MACAlgos:        uint64(le.Uint32(b[24:])) | uint64(le.Uint32(b[28:]))<<32,
		AEADAlgos:       le.Uint32(b[32:]),
		MaxCipherKeyLen: le.Uint32(b[36:]),
		MaxAuthKeyLen:   le.Uint32(b[40:]),
		AkcipherAlgos:   le.Uint32(b[44:]),
		MaxSize:         le.Uint64(b[48:]),
	}, nil
}

// Append appends the ConfigSize-byte encoding of c to b.
func (c Config) Append(b []byte) []byte {
	b = le.AppendUint32(b, c.Status)
	b = le.AppendUint32(b, c.MaxDataQueues)
	b = le.AppendUint32(b, c.Services)
	b = le.AppendUint32(b, uint32(c.CipherAlgos))
	b = le.AppendUint32(b, uint32(c.CipherAlgos>>32))
	b = le.AppendUint32(b, c.HashAlgos)
	b = le.AppendUint32(b, uint32(c.MACAlgos))
	b = le.AppendUint32(b, uint32(c.MACAlgos>>32))
	b = le.AppendUint32(b, c.AEADAlgos)
	b = le.AppendUint32(b, c.MaxCipherKeyLen)
	b = le.AppendUint32(b, c.MaxAuthKeyLen)
	b = le.AppendUint32(b, c.AkcipherAlgos)
	return le.AppendUint64(b, c.MaxSize)
}

// AppendBinary implements encoding.BinaryAppender; it never fails.
func (c Config) AppendBinary(b []byte) ([]byte, error) { return c.Append(b), nil }

// bit returns 1<<n, or 0 when n does not fit in width bits.
func bit(n uint32, width uint32) uint64 {
	if n >= width {
		return 0
	}
	return 1 << n
}

// SetService marks service s as offered. Services above 31 are ignored.
func (c *Config) SetService(s Service) { c.Services |= uint32(bit(uint32(s), 32)) }

// SetCipher marks cipher a as supported. IDs above 63 are ignored.
func (c *Config) SetCipher(a CipherAlgo) { c.CipherAlgos |= bit(uint32(a), 64) }

// SetHash marks hash a as supported. IDs above 31 are ignored.
func (c *Config) SetHash(a HashAlgo) { c.HashAlgos |= uint32(bit(uint32(a), 32)) }

// SetMAC marks MAC a as supported. IDs above 63 are ignored.
func (c *Config) SetMAC(a MACAlgo) { c.MACAlgos |= bit(uint32(a), 64) }

// SetAEAD marks AEAD a as supported. IDs above 31 are ignored.
func (c *Config) SetAEAD(a AEADAlgo) { c.AEADAlgos |= uint32(bit(uint32(a), 32)) }

// SetAkcipher marks asymmetric algorithm a as supported. IDs above 31 are
// ignored.
func (c *Config) SetAkcipher(a AkcipherAlgo) { c.AkcipherAlgos |= uint32(bit(uint32(a), 32)) }

// HasService reports whether service s is offered.
func (c *Config) HasService(s Service) bool { return c.Services&uint32(bit(uint32(s), 32)) != 0 }

// HasCipher reports whether cipher a is supported.
func (c *Config) HasCipher(a CipherAlgo) bool { return c.CipherAlgos&bit(uint32(a), 64) != 0 }

// HasHash reports whether hash a is supported.
func (c *Config) HasHash(a HashAlgo) bool { return c.HashAlgos&uint32(bit(uint32(a), 32)) != 0 }

// HasMAC reports whether MAC a is supported.
func (c *Config) HasMAC(a MACAlgo) bool { return c.MACAlgos&bit(uint32(a), 64) != 0 }

// HasAEAD reports whether AEAD a is supported.
func (c *Config) HasAEAD(a AEADAlgo) bool { return c.AEADAlgos&uint32(bit(uint32(a), 32)) != 0 }

// HasAkcipher reports whether asymmetric algorithm a is supported.
func (c *Config) HasAkcipher(a AkcipherAlgo) bool {
	return c.AkcipherAlgos&uint32(bit(uint32(a), 32)) != 0
}

func short(what string, need, have int) error {
	return fmt.Errorf("%w: %s needs %d bytes, have %d", ErrShortBuffer, what, need, have)
}
