//go:build unix

package main

import "syscall"

// writable asks the kernel whether this process may write path: it
// knows permissions, ACLs and read-only mounts, and root's exemptions.
func writable(path string) bool {
	const wOK = 2 // W_OK
	return syscall.Access(path, wOK) == nil
}
