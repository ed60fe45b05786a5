package enginetest

import (
	"errors"

	"vcrypto/internal/engine"
)

// 3DES-CTR: NIST publishes no vectors for it. These two are the
// triple_des128ctr_test_vector (two-key, 16-byte key K1 ‖ K2) and
// triple_des192ctr_test_vector (three-key) of DPDK (BSD-3-Clause, Intel)
// app/test/test_cryptodev_des_test_vectors.h at DPDK commit 38f72e500b3b:
// an 8-byte IV 0001020304050607 that is the whole 64-bit counter block,
// incremented big-endian, and the first 512 bytes of DPDK's plaintext_des
// text. Transcribed by script.

// dpdkDESPlaintext is plaintext_des[0:512].
const dpdkDESPlaintext = "What a lousy earth! He wondered how many people were destitute that same night e" +
	"ven in his own prosperous country, how many homes were shanties, how many husban" +
	"ds were drunk and wives socked, and how many children were bullied, abused, or a" +
	"bandoned. How many families hungered for food they could not afford to buy? How " +
	"many hearts were broken? How many suicides would take place that same night, how" +
	" many people would go insane? How many cockroaches and landlords would triumph? " +
	"How many winners were losers, su"

const (
	dpdk3DESCTRIV     = "0001020304050607"
	dpdk3DES128CTRKey = "e423338a356461e24903ddc6b8ca557a"
	dpdk3DES192CTRKey = "e423338a356461e24903ddc6b8ca557ad4c3a3aa336261e0"
)

// dpdk3DES128CTRCipher is ciphertext512_des128ctr.
const dpdk3DES128CTRCipher = "13393bbc1de323099b08d109529378291121ba0115cdecaa797758aeaebc973394a92dc00aa9a44b190788067e810fb5" +
	"60cfa7c32a43ff163a5f112d113837942ac83d20bb93955412ff0c47897d73d12e3a8052a892939916b8121b8ba8c181" +
	"951882d65aa7fecfc4ac85910c2f1d109a6507b02e5a2d4826f8177a53d6b8dfb110487e8fbe2ea10d9ea9f13b3b33cd" +
	"dc527ec00ea0d8a7c6345aaa298ba9ac1f78adee345930fb2a203d4d30a77dd8a0c6a2d39afb50974d25a2375154b7eb" +
	"ed77db94358b70954a00a7f18a660ec6057b69054203962c55001bc0194d0d2ef5811164cabbf20f9c60e2cc026e83d5" +
	"24f4120e6aea4f6c79696567dbf7ea985d5698b788e723c9173292335a0c15203b1cf90f4dd1e8e69e5e241ba4b8b9e9" +
	"2ffc89b4b9f4a6ad55f4df586325e34170df10e713878db3624ff586858f59f0210e8f11adbfdd61683f54574938c824" +
	"8e0aacca2c363e5f0acefd1a60635ae60664b5943cc9af7ccd4910cfaf0e2e7927b26702edee80777c6d4bdbcf8d6800" +
	"2ed9f08e08bfa69bfea4fb1946af1ba9f822812197fcc08a26581329b669944babb3880da9480ee870fca121c42ce599" +
	"b4f16fb24b4bcd4815472d7239999d240c8bdca1eef6f473c3b80c230da7c47d27e214115319e7ca944e0d2cf73647db" +
	"773c22acbee10655e5dd8b65e8e991525997fc8cee962260eebf82f0ca14f9d3"

// dpdk3DES192CTRCipher is ciphertext512_des192ctr.
const dpdk3DES192CTRCipher = "ff32529710bf0b10680f4f568b2c7b8e391e1a2f83de5e35c84bdfd5bc84501a02dfb311e4dab80e47c60c5109629c5d" +
	"714049d855bd7d9071c5f7076f08712ab1779b0fa1b0d610b2e531ec2113892a097e30dba0f0dce4746439a3b0b18066" +
	"52d44ec95a526ac7b52b61d517d5f3cc4161d2a6f451243a635d23b1f022e745fa5f7e9900112835a3f461940e98ce35" +
	"dd911b0b4deeffff0bd4dc56fc71e9ece83651f88b6ae18c2b2591919b9276b53d26a853ea305b4dda16da7d0488f522" +
	"a80cb941c7916486997d18b967a26e051a828fa2eb4d0b8c882dba778732503c4cd8d35039fadf483e30f57606b01a05" +
	"602cd3a0631a192d6b76f2314ca7e65c1b23204132e5834704b63ee0fd491e1b75101146e9f9969ad759fe3831fe79c4" +
	"c84688de2eae20ed7750403826d335f629556a6b3869fe905ba7fa6b734fb95ddc6f98c36ac4b509c584a56a84a4b38a" +
	"5fca92649ec30f848b2d48c667ae07e028386dc44d1387e0b22faac0cf68d79cb807e451d77586fa0c50746800642a27" +
	"59e980ebc2a3fa58cc03e77b6653ff90a085e2f882fec62bff5e708534b72238dbbc153059c14842e5388d3759dba320" +
	"17361d4bbf4ea435ccfef57a73b46d201dc0e5215cd28a6508b663ac9a1e3f3cabb66d34b23a08da2963d1a48352b063" +
	"1b893557592c0f7272fda0acdbb4a3a1181012979963389896b516074ee92c97"

// loadDPDK returns the 3DES-CTR vectors, both directions.
func loadDPDK() ([]Vector, error) {
	var errs []error
	pt := []byte(dpdkDESPlaintext)
	if len(pt) != 512 {
		errs = append(errs, errors.New("DPDK plaintext_des transcription is not 512 bytes"))
	}
	iv := mustHex(&errs, "DPDK 3DES-CTR IV", dpdk3DESCTRIV)
	var out []Vector
	for _, v := range []struct{ id, src, key, ct string }{
		{"triple_des128ctr", "DPDK test_cryptodev_des_test_vectors.h triple_des128ctr_test_vector", dpdk3DES128CTRKey, dpdk3DES128CTRCipher},
		{"triple_des192ctr", "DPDK test_cryptodev_des_test_vectors.h triple_des192ctr_test_vector", dpdk3DES192CTRKey, dpdk3DES192CTRCipher},
	} {
		out = append(out, cipherPair(suiteTDESCTR, v.id, v.src, engine.TDESCTR,
			mustHex(&errs, v.id, v.key), iv, pt, mustHex(&errs, v.id, v.ct))...)
	}
	return out, errors.Join(errs...)
}
