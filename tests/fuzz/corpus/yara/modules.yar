import "pe"
import "elf"
import "math"
import "hash"

rule Modules
{
    condition:
        pe.is_pe or elf.type == elf.ET_EXEC or
        math.entropy(0, filesize) > 7.0 or
        hash.md5(0, filesize) == "d41d8cd98f00b204e9800998ecf8427e"
}
