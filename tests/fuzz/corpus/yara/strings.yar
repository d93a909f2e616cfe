rule Strings : tag1 tag2
{
    meta:
        author = "irkit"
        score = 60
        ok = true
    strings:
        $a = "needle" nocase wide ascii
        $b = "fuzz" fullword
        $c = "xor" xor
        $d = "b64" base64
    condition:
        any of them and #a < 10 and @b[1] >= 0
}
