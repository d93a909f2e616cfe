rule Hex
{
    strings:
        $h1 = { 4D 5A ?? 00 [0-8] ( 50 45 | 4C 45 ) }
        $h2 = { 7F 45 4C 46 ~00 [-] 00 }
    condition:
        uint16(0) == 0x5A4D or ($h1 at 0) or $h2 in (0..100)
}
