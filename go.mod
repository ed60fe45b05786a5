module vcrypto

go 1.26.4

require (
	filippo.io/bigmod v0.1.0 // indirect
	github.com/c2sp/wycheproof v0.0.0-20260902155932-3fa63dd0344a // indirect
	github.com/emmansun/gmsm v0.44.0 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/sys v0.50.0 // indirect
)
