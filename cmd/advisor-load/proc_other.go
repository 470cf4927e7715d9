//go:build !linux

package main

import (
	"errors"
	"syscall"
)

// The bot's memory and CPU come from /proc, which only Linux has.

var errNoProc = errors.New("advisor-load measures the bot through /proc: Linux only")

func memKB(int) (rss, hwm int64, err error) { return 0, 0, errNoProc }

func cpuSeconds(int) (float64, error) { return 0, errNoProc }

func selfCPUSeconds() float64 { return 0 }

func loadAvg() string { return "" }

func botSysProcAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }
