package jepsen

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

// testRoleEnv makes the test binary play a process: "harness" starts a "server" the way
// server.start does, prints its pid and waits to be killed; "server" sleeps.
const testRoleEnv = "SIMFUZZ_JEPSEN_TEST_ROLE"

func playRole(role string) int {
	switch role {
	case "server":
		time.Sleep(time.Minute)
		return 0
	case "harness":
		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), testRoleEnv+"=server")
		cmd.SysProcAttr = serverProcAttr()
		if err := startProcess(cmd); err != nil {
			fmt.Println("error:", err)
			return 2
		}
		fmt.Println(cmd.Process.Pid)
		time.Sleep(time.Minute)
		return 0
	}
	return 2
}
