package main

import "io"

func cmdBench(args []string, stdout, stderr io.Writer) int { return exitUsage }
