//go:build !linux

package testkit

import "time"

func selfCPU() (time.Duration, bool) { return 0, false }

func processCPU(int) (time.Duration, bool) { return 0, false }
