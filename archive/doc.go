// Package archive seals a run folder into one file that only named people
// can open, and opens it again.
//
// A sealed archive is a gzip-compressed tar of the folder's regular files,
// encrypted with age (age-encryption.org/v1: X25519 or ML-KEM-768 hybrid
// recipients, ChaCha20-Poly1305 payload) to a list of recipients' public
// keys. Nothing of the plan (SKU codes, prices, file names) is readable
// without one of the matching identities, and a changed byte makes opening
// fail rather than yield altered plans.
package archive
