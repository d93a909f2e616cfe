/*
 * irkit starter rules: Linux backdoors, reverse shells and rootkit traits.
 * Cheap string rules, meant as a first pass of a live response.
 */

import "elf"

rule irkit_reverse_shell_oneliner : backdoor
{
	meta:
		description = "a reverse shell one-liner (bash /dev/tcp, nc -e, socat exec, python pty)"
		author = "irkit"
		score = 70
	strings:
		$bash = /bash -i *>& *\/dev\/tcp\/[0-9a-zA-Z.\-]{1,64}\/[0-9]{1,5}/
		$dev = /\/dev\/tcp\/[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\/[0-9]{1,5}/
		$nc = /\b(nc|ncat|netcat)(\.[a-z]+)? [^\n]{0,40}-e \/bin\/(ba)?sh/
		$socat = /socat [^\n]{0,60}exec:['"]?\/bin\/(ba)?sh/ nocase
		$py = "pty.spawn(\"/bin/" ascii
	condition:
		filesize < 10MB and any of them
}

rule irkit_ld_preload_rootkit : rootkit
{
	meta:
		description = "a shared object that defines readdir/readdir64 and names /etc/ld.so.preload: a userland rootkit that hides files"
		author = "irkit"
		score = 80
	strings:
		$preload = "/etc/ld.so.preload" ascii
	condition:
		uint32(0) == 0x464c457f and elf.type == elf.ET_DYN and $preload and
		for any i in (0..elf.dynsym_entries - 1): (
		    (elf.dynsym[i].name == "readdir" or
		    elf.dynsym[i].name == "readdir64") and elf.dynsym[i].shndx != 0)
}

rule irkit_php_webshell : webshell
{
	meta:
		description = "PHP that runs what a request or an encoded blob says"
		author = "irkit"
		score = 70
	strings:
		$php = "<?php" nocase
		$e1 = /(eval|assert)\s*\(\s*(base64_decode|gzinflate|str_rot13|gzuncompress)\s*\(/ nocase
		$e2 = /(system|shell_exec|passthru|exec|popen|proc_open)\s*\(\s*\$_(GET|POST|REQUEST|COOKIE)/ nocase
		$e3 = /(eval|assert)\s*\(\s*\$_(GET|POST|REQUEST|COOKIE)/ nocase
	condition:
		filesize < 2MB and $php and any of ($e*)
}

rule irkit_elf_in_temp : suspicious
{
	meta:
		description = "an ELF executable in a temporary or shared-memory directory"
		author = "irkit"
		score = 50
	condition:
		uint32(0) == 0x464c457f and filepath matches /^\/(tmp|var\/tmp|dev\/shm)(\/|$)/
}

rule irkit_ssh_key_forced_command : persistence
{
	meta:
		description = "an authorized_keys line that runs a command or downloads something at login"
		author = "irkit"
		score = 60
	strings:
		$cmd = /command="[^"\n]{0,200}(curl|wget|nc |bash -i|\/dev\/tcp|base64)/
	condition:
		filesize < 1MB and $cmd
}

rule irkit_eicar : test
{
	meta:
		description = "the EICAR anti-malware test file (proves the sweep runs)"
		author = "irkit"
		score = 10
	strings:
		$eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
	condition:
		$eicar at 0
}
