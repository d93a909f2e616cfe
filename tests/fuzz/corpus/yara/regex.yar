rule Regex
{
    strings:
        $r1 = /fu+zz[0-9]{1,4}/ nocase
        $r2 = /(a|b)*c\x00?d/s
    condition:
        $r1 or $r2 or !r1[1] > 2
}
