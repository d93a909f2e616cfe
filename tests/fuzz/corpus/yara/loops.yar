private rule P { condition: filesize > 0 }
global rule G { condition: true }
rule Loops
{
    strings:
        $a = "a"
    condition:
        P and for any i in (1..#a) : ( @a[i] % 2 == 0 ) and
        for all j in (0..3) : ( uint8(j) != 0xFF )
}
