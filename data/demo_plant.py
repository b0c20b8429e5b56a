"""The demo plant's inputs: part families, bins, assets, people and the jobs they do.

Plain tables only; `storeroom_tui.demo` expands them into items, stock and work orders
with a seeded random generator. Prices are in cents, quantities in whole base units
unless a field says otherwise.
"""

from __future__ import annotations

# --- where things are ----------------------------------------------------------------------

# warehouse -> aisles; every aisle has BAYS x LEVELS bins (`MAIN/A-01-01` ...)
WAREHOUSES: dict[str, tuple[str, ...]] = {
    "MAIN": ("A", "B", "C", "T"),  # A bearings, B mechanical, C electrical, T tool crib
    "NORTH": ("N",),  # satellite store in the utilities building: lubricants, filters
}
BAYS: dict[str, int] = {"A": 4, "B": 4, "C": 4, "T": 1, "N": 3}
LEVELS = 4

# item category -> the aisle it is shelved in
AISLE_OF: dict[str, str] = {
    "bearing": "A",
    "seal": "B",
    "belt": "B",
    "transmission": "B",
    "pneumatic": "B",
    "fastener": "B",
    "filter": "N",
    "lubricant": "N",
    "electrical": "C",
    "critical": "C",
    "tool": "T",
}

# --- people ----------------------------------------------------------------------------------

# (badge, name, role); ADMIN is made by `storeroom init`
USERS: tuple[tuple[str, str, str], ...] = (
    ("1001", "Maria Lopez", "clerk"),
    ("1002", "Dev Patel", "clerk"),
    ("2001", "Jonas Berg", "technician"),
    ("2002", "Aisha Okafor", "technician"),
    ("2003", "Tomasz Nowak", "technician"),
    ("3001", "Helen Carter", "supervisor"),
    ("4001", "Samir Haddad", "planner"),
    ("5001", "Ingrid Larsen", "controller"),
)

# --- bearings ------------------------------------------------------------------------------

# deep groove ball bearings: (designation, bore, outside diameter, width, open price)
BEARINGS_62: tuple[tuple[str, int, int, int, int], ...] = (
    ("6200", 10, 30, 9, 310),
    ("6201", 12, 32, 10, 330),
    ("6202", 15, 35, 11, 350),
    ("6203", 17, 40, 12, 390),
    ("6204", 20, 47, 14, 460),
    ("6205", 25, 52, 15, 540),
    ("6206", 30, 62, 16, 720),
    ("6207", 35, 72, 17, 980),
    ("6208", 40, 80, 18, 1240),
    ("6209", 45, 85, 19, 1490),
    ("6210", 50, 90, 20, 1760),
    ("6211", 55, 100, 21, 2280),
    ("6212", 60, 110, 22, 2850),
)
BEARINGS_63: tuple[tuple[str, int, int, int, int], ...] = (
    ("6300", 10, 35, 11, 420),
    ("6301", 12, 37, 12, 450),
    ("6302", 15, 42, 13, 490),
    ("6303", 17, 47, 14, 560),
    ("6304", 20, 52, 15, 640),
    ("6305", 25, 62, 17, 820),
    ("6306", 30, 72, 19, 1060),
    ("6307", 35, 80, 21, 1380),
    ("6308", 40, 90, 23, 1720),
    ("6309", 45, 100, 25, 2240),
    ("6310", 50, 110, 27, 2860),
)
# (suffix, what it means, price in percent of the open bearing)
BEARING_VARIANTS_62: tuple[tuple[str, str, int], ...] = (
    ("", "open", 100),
    ("-ZZ", "metal shields", 115),
    ("-2RS", "rubber seals", 125),
    ("-2RS-C3", "rubber seals, C3 clearance", 140),
)
BEARING_VARIANTS_63: tuple[tuple[str, str, int], ...] = (
    ("-2RS", "rubber seals", 125),
    ("-2RS-C3", "rubber seals, C3 clearance", 140),
)
# mounted units and roller bearings: (part, description, price)
BEARING_UNITS: tuple[tuple[str, str, int], ...] = (
    ("UCP205", "Pillow block bearing unit UCP205, 25 mm bore, cast iron housing", 1890),
    ("UCP206", "Pillow block bearing unit UCP206, 30 mm bore, cast iron housing", 2260),
    ("UCP207", "Pillow block bearing unit UCP207, 35 mm bore, cast iron housing", 2790),
    ("UCP208", "Pillow block bearing unit UCP208, 40 mm bore, cast iron housing", 3340),
    ("UCP210", "Pillow block bearing unit UCP210, 50 mm bore, cast iron housing", 4680),
    ("UCF204", "4-bolt flange bearing unit UCF204, 20 mm bore", 1720),
    ("UCF205", "4-bolt flange bearing unit UCF205, 25 mm bore", 1960),
    ("UCF206", "4-bolt flange bearing unit UCF206, 30 mm bore", 2410),
    ("UCF208", "4-bolt flange bearing unit UCF208, 40 mm bore", 3520),
    ("30205", "Tapered roller bearing 30205, 25x52x16.25 mm", 1150),
    ("30206", "Tapered roller bearing 30206, 30x62x17.25 mm", 1380),
    ("30208", "Tapered roller bearing 30208, 40x80x19.75 mm", 1940),
    ("30210", "Tapered roller bearing 30210, 50x90x21.75 mm", 2620),
    ("22210-E", "Spherical roller bearing 22210 E, 50x90x23 mm", 7450),
    ("22212-E", "Spherical roller bearing 22212 E, 60x110x28 mm", 9880),
    ("22215-E", "Spherical roller bearing 22215 E, 75x130x31 mm", 14320),
)

# --- seals -----------------------------------------------------------------------------------

# radial shaft seals, type TC: (shaft, housing, width)
SHAFT_SEALS: tuple[tuple[int, int, int], ...] = (
    (20, 35, 7),
    (20, 40, 7),
    (25, 40, 7),
    (25, 42, 7),
    (30, 47, 7),
    (30, 52, 7),
    (35, 52, 7),
    (35, 55, 8),
    (40, 55, 8),
    (40, 62, 8),
    (45, 62, 8),
    (45, 65, 8),
    (50, 65, 8),
    (50, 72, 8),
    (55, 72, 8),
    (60, 80, 8),
)
# (code, name, price in percent of NBR)
SEAL_MATERIALS: tuple[tuple[str, str, int], ...] = (("NBR", "nitrile", 100), ("FKM", "FKM", 310))
MECHANICAL_SEALS: tuple[tuple[str, str, int], ...] = (
    ("MS-28-SIC", "Cartridge mechanical seal 28 mm, SiC/SiC, EPDM", 34500),
    ("MS-35-SIC", "Cartridge mechanical seal 35 mm, SiC/SiC, EPDM", 38900),
    ("MS-45-SIC", "Cartridge mechanical seal 45 mm, SiC/SiC, FKM", 46200),
    ("MS-55-CAR", "Cartridge mechanical seal 55 mm, carbon/SiC, FKM", 52800),
)
SEAL_KITS: tuple[tuple[str, str, int], ...] = (
    ("OR-KIT-NBR", "O-ring assortment NBR 70, metric, 382 pieces in case", 4890),
    ("OR-KIT-FKM", "O-ring assortment FKM 75, metric, 225 pieces in case", 11250),
)

# --- belts -----------------------------------------------------------------------------------

# wedge belts by profile: (profile, datum lengths in mm, price per metre of length)
WEDGE_BELTS: tuple[tuple[str, tuple[int, ...], int], ...] = (
    ("SPZ", (800, 900, 1000, 1120, 1250, 1400), 620),
    ("SPA", (1000, 1120, 1250, 1400, 1600, 1800, 2000), 840),
    ("SPB", (1250, 1400, 1600, 1800, 2000, 2240, 2500), 1260),
)
# classical V-belts: (section, inch lengths, price per inch)
CLASSICAL_BELTS: tuple[tuple[str, tuple[int, ...], int], ...] = (
    ("A", (33, 38, 42, 48, 55), 16),
    ("B", (42, 50, 60, 68), 23),
)
OTHER_BELTS: tuple[tuple[str, str, str, int], ...] = (
    ("HTD-8M-1200-30", "Timing belt HTD 8M, 1200 mm pitch length, 30 mm wide", "EA", 4670),
    ("HTD-8M-1600-30", "Timing belt HTD 8M, 1600 mm pitch length, 30 mm wide", "EA", 5920),
    ("HTD-5M-800-15", "Timing belt HTD 5M, 800 mm pitch length, 15 mm wide", "EA", 2180),
    ("CB-EP400-650", "Conveyor belting EP400/3, 650 mm wide, 4+2 mm covers", "M", 6850),
    ("CB-PVC-500", "Conveyor belting PVC food grade, white, 500 mm wide", "M", 5420),
)

# --- filters ---------------------------------------------------------------------------------

FILTERS: tuple[tuple[str, str, int], ...] = (
    ("HF-R160-10", "Hydraulic return filter element 160 l/min, 10 um, glass fibre", 4960),
    ("HF-R250-10", "Hydraulic return filter element 250 l/min, 10 um, glass fibre", 6780),
    ("HF-P110-3", "Hydraulic pressure filter element 110 l/min, 3 um", 8240),
    ("HF-B-3UM", "Hydraulic tank breather filter 3 um, 3/4 in", 2150),
    ("OF-SP-M20", "Spin-on oil filter M20x1.5, 80 mm", 1290),
    ("OF-SP-1IN", "Spin-on oil filter 1 in-12 UNF, 93 mm", 1640),
    ("CAF-GA30", "Compressor air intake filter element, 30 kW screw compressor", 5890),
    ("COF-GA30", "Compressor oil filter, 30 kW screw compressor", 3470),
    ("CSEP-GA30", "Compressor oil separator element, 30 kW screw compressor", 18950),
    ("CAF-GA55", "Compressor air intake filter element, 55 kW screw compressor", 7640),
    ("COF-GA55", "Compressor oil filter, 55 kW screw compressor", 4210),
    ("CSEP-GA55", "Compressor oil separator element, 55 kW screw compressor", 26480),
    ("LF-DD-QD", "Compressed air line filter element 1 um, DD grade", 6120),
    ("LF-PD-QD", "Compressed air line filter element 0.01 um, PD grade", 7380),
    ("PF-G4-592", "Panel filter G4, 592x592x48 mm, cardboard frame", 890),
    ("PF-G4-287", "Panel filter G4, 287x592x48 mm, cardboard frame", 640),
    ("BF-F7-592", "Bag filter F7 (ePM1 55%), 592x592 mm, 6 pockets, 600 mm", 3120),
    ("BF-F9-592", "Bag filter F9 (ePM1 85%), 592x592 mm, 8 pockets, 600 mm", 4870),
    ("DC-CART-660", "Dust collector cartridge 325x660 mm, polyester, PTFE membrane", 9840),
    ("WF-10-5UM", "Water filter cartridge 10 in, 5 um, polypropylene", 760),
    ("FD-083-S", "Refrigerant filter drier 3/8 in solder, 16 in3", 2390),
)

# --- lubricants and chemicals, tracked by lot --------------------------------------------------

# (part, description, uom, price per uom, shelf life in days or 0 for none,
#  min, max, receipt size)
LUBRICANTS: tuple[tuple[str, str, str, int, int, int, int, int], ...] = (
    ("GR-EP2-400", "Grease lithium complex EP2, 400 g cartridge", "EA", 690, 900, 12, 48, 24),
    ("GR-EP2-18KG", "Grease lithium complex EP2, 18 kg pail", "KG", 740, 900, 18, 54, 18),
    ("GR-H1-400", "Food-grade grease NSF H1, NLGI 2, 400 g cartridge", "EA", 1280, 720, 12, 36, 12),
    ("GR-HT-400", "High-temperature grease, polyurea, 400 g cartridge", "EA", 1150, 900, 6, 24, 12),
    ("OIL-HLP46", "Hydraulic oil HLP 46, 20 l pail", "L", 385, 1460, 40, 200, 60),
    ("OIL-HLP32", "Hydraulic oil HLP 32, 20 l pail", "L", 372, 1460, 20, 100, 40),
    ("OIL-CLP220", "Gear oil CLP 220, 20 l pail", "L", 468, 1460, 20, 120, 40),
    ("OIL-CLP320", "Gear oil CLP 320, 20 l pail", "L", 489, 1460, 20, 80, 40),
    ("OIL-VDL46", "Compressor oil VDL 46, 20 l pail", "L", 612, 1095, 20, 100, 40),
    ("OIL-H1-CHAIN", "Food-grade chain oil NSF H1, 5 l can", "L", 1390, 730, 10, 40, 20),
    ("RG-R134A", "Refrigerant R134a, 12 kg returnable cylinder", "KG", 2840, 0, 12, 48, 24),
    ("CHM-TL243", "Threadlocker medium strength, blue, 50 ml", "EA", 1790, 540, 6, 24, 12),
    ("CHM-TS577", "Thread sealant for metal pipe, 50 ml", "EA", 1920, 540, 4, 12, 6),
    ("CHM-RTV-310", "Silicone sealant RTV, grey, 310 ml cartridge", "EA", 1140, 365, 4, 20, 10),
    ("CHM-AS-500", "Anti-seize compound, copper, 500 g tin", "EA", 2260, 1095, 2, 8, 4),
    ("CHM-CC-400", "Electrical contact cleaner spray, 400 ml", "EA", 690, 730, 6, 36, 24),
    ("CHM-PEN-400", "Penetrating oil spray, 400 ml", "EA", 540, 730, 6, 36, 24),
    ("CHM-EPX-KIT", "Epoxy metal repair kit, 500 g, 2 components", "SET", 4680, 365, 1, 4, 2),
)

# --- electrical ------------------------------------------------------------------------------

NH00_FUSES: tuple[tuple[int, int], ...] = (  # (amps, price)
    (16, 580),
    (20, 580),
    (25, 580),
    (32, 610),
    (40, 610),
    (50, 640),
    (63, 640),
    (80, 690),
    (100, 720),
    (125, 790),
    (160, 860),
)
CYLINDER_FUSES: tuple[tuple[str, int], ...] = (  # 10x38 mm: (class, amps)
    ("gG", 2),
    ("gG", 4),
    ("gG", 6),
    ("gG", 10),
    ("gG", 16),
    ("gG", 20),
    ("gG", 25),
    ("gG", 32),
    ("aM", 4),
    ("aM", 6),
    ("aM", 10),
    ("aM", 16),
)
# contactors: (AC-3 amps, kW at 400 V, price with a 230 V AC coil)
CONTACTORS: tuple[tuple[int, str, int], ...] = (
    (9, "4", 2980),
    (12, "5.5", 3240),
    (18, "7.5", 4160),
    (25, "11", 5820),
    (32, "15", 7390),
    (40, "18.5", 11260),
    (50, "22", 13840),
    (65, "30", 16950),
    (80, "37", 21480),
)
CONTACTOR_COILS: tuple[tuple[str, str, int], ...] = (  # (code, coil, price percent)
    ("230AC", "230 V AC coil", 100),
    ("24DC", "24 V DC coil", 112),
)
# thermal overload relays and motor protection breakers: (range, price)
OVERLOAD_RANGES: tuple[tuple[str, int], ...] = (
    ("1-1.6", 3890),
    ("1.6-2.5", 3890),
    ("2.5-4", 3890),
    ("4-6", 3980),
    ("5.5-8", 3980),
    ("7-10", 4120),
    ("9-13", 4310),
    ("12-18", 4650),
    ("17-25", 5240),
)
MCBS: tuple[tuple[str, int], ...] = (  # (curve + amps, price)
    ("B6", 780),
    ("B10", 780),
    ("B16", 780),
    ("B20", 820),
    ("C10", 820),
    ("C16", 820),
    ("C20", 860),
    ("C32", 940),
)
ELECTRICAL: tuple[tuple[str, str, str, int], ...] = (  # (part, description, uom, price)
    ("RLY-24DC-1CO", "Interface relay 24 V DC, 1 changeover, 6 A, with socket", "EA", 1240),
    ("RLY-230AC-2CO", "Interface relay 230 V AC, 2 changeover, 8 A, with socket", "EA", 1580),
    ("PX-M12-PNP", "Inductive proximity sensor M12, PNP NO, 4 mm, M12 connector", "EA", 3260),
    ("PX-M18-PNP", "Inductive proximity sensor M18, PNP NO, 8 mm, M12 connector", "EA", 3790),
    ("PX-M30-PNP", "Inductive proximity sensor M30, PNP NO, 15 mm, M12 connector", "EA", 4640),
    ("CX-M18-PNP", "Capacitive proximity sensor M18, PNP NO, adjustable", "EA", 6920),
    ("PE-DIFF-24", "Photoelectric sensor, diffuse, 1 m, PNP, M12 connector", "EA", 8450),
    ("PE-RETRO-24", "Photoelectric sensor, retro-reflective with reflector, 6 m", "EA", 9680),
    ("LS-ROLLER", "Limit switch, roller lever, 1 NO + 1 NC, metal body", "EA", 4320),
    ("SS-TONGUE", "Safety interlock switch with actuator tongue, 2 NC", "EA", 5870),
    ("PB-GREEN-22", "Push button 22 mm, green, flush, 1 NO", "EA", 960),
    ("PB-ESTOP-22", "Emergency stop mushroom 40 mm, turn to release, 2 NC", "EA", 2480),
    ("PL-LED-RED", "Pilot light 22 mm, LED 24 V AC/DC, red", "EA", 890),
    ("SEL-3POS-22", "Selector switch 22 mm, 3 positions, maintained", "EA", 1640),
    ("CBL-3G1.5", "Rubber cable H07RN-F 3G1.5 mm2", "M", 240),
    ("CBL-3G2.5", "Rubber cable H07RN-F 3G2.5 mm2", "M", 340),
    ("CBL-4G2.5", "Rubber cable H07RN-F 4G2.5 mm2", "M", 430),
    ("CBL-5G2.5", "Rubber cable H07RN-F 5G2.5 mm2", "M", 520),
    ("CBL-4G6", "Rubber cable H07RN-F 4G6 mm2", "M", 980),
    ("CBL-7G1.0-CY", "Control cable YSLYCY-JZ 7G1.0 mm2, screened", "M", 410),
    ("CBL-SENS-4P", "Sensor cable M12 4-pole, PUR, straight socket, 5 m", "EA", 1390),
    ("CT-300-BK", "Cable ties 300x4.8 mm, black UV, bag of 100", "EA", 790),
    ("TRM-4MM2", "DIN rail terminal block 4 mm2, screw, grey", "EA", 110),
)

# --- serialised critical parts ------------------------------------------------------------

# (part, description, kind, price, serial prefix, min, max)
CRITICAL_PARTS: tuple[tuple[str, str, str, int, str, int, int], ...] = (
    (
        "UPS-BAT-12V7",
        "UPS battery 12 V 7.2 Ah VRLA AGM, F2 terminals",
        "material",
        2490,
        "YB",
        4,
        16,
    ),
    ("UPS-BAT-12V9", "UPS battery 12 V 9 Ah VRLA AGM, high rate", "material", 3380, "YB", 4, 16),
    (
        "UPS-BAT-12V100",
        "UPS battery 12 V 100 Ah VRLA, 10-year design life",
        "material",
        28900,
        "CS",
        2,
        8,
    ),
    ("VFD-0K75", "Variable frequency drive 0.75 kW, 400 V, IP20", "rotable", 36400, "VF", 1, 2),
    ("VFD-2K2", "Variable frequency drive 2.2 kW, 400 V, IP20", "rotable", 51800, "VF", 1, 2),
    ("VFD-4K0", "Variable frequency drive 4 kW, 400 V, IP20", "rotable", 68900, "VF", 1, 2),
    ("VFD-7K5", "Variable frequency drive 7.5 kW, 400 V, IP20", "rotable", 98700, "VF", 1, 2),
    ("VFD-15K", "Variable frequency drive 15 kW, 400 V, IP55", "rotable", 184500, "VF", 1, 1),
    ("VFD-30K", "Variable frequency drive 30 kW, 400 V, IP55", "rotable", 312000, "VF", 1, 1),
    ("SST-22K", "Soft starter 22 kW, 400 V, internal bypass", "rotable", 74200, "SS", 0, 1),
    ("PLC-CPU-1515", "PLC CPU, 1 MB work memory, PROFINET 2 ports", "rotable", 289000, "PC", 1, 1),
    ("PLC-DI16", "PLC digital input module 16 DI, 24 V DC", "rotable", 21400, "PC", 1, 2),
    ("PLC-DQ16", "PLC digital output module 16 DQ, 24 V DC, 0.5 A", "rotable", 26800, "PC", 1, 2),
    ("PLC-AI8", "PLC analogue input module 8 AI, U/I/RTD", "rotable", 48600, "PC", 1, 1),
    (
        "PSU-24V-10A",
        "Power supply 24 V DC 10 A, DIN rail, 3-phase input",
        "rotable",
        22900,
        "PS",
        1,
        2,
    ),
    ("HMI-7IN", "HMI touch panel 7 in, PROFINET", "rotable", 112000, "HM", 0, 1),
    ("MOT-1K1-4P", "Electric motor IE3 1.1 kW 4-pole B3, frame 90S", "rotable", 31200, "MT", 1, 2),
    ("MOT-4K0-4P", "Electric motor IE3 4 kW 4-pole B3, frame 112M", "rotable", 58400, "MT", 1, 2),
    ("MOT-7K5-4P", "Electric motor IE3 7.5 kW 4-pole B3, frame 132M", "rotable", 89600, "MT", 1, 1),
    ("MOT-15K-4P", "Electric motor IE3 15 kW 4-pole B3, frame 160L", "rotable", 142000, "MT", 0, 1),
    (
        "ENC-1024-HTL",
        "Incremental encoder 1024 ppr, HTL, 10 mm hollow shaft",
        "rotable",
        38500,
        "EN",
        1,
        2,
    ),
)

# --- tools ---------------------------------------------------------------------------------

# (part, description, uom, price, tracking, count held)
TOOLS: tuple[tuple[str, str, str, int, str, int], ...] = (
    ("TW-14-25", "Torque wrench 1/4 in drive, 5-25 Nm, click type", "EA", 14800, "none", 2),
    ("TW-38-100", "Torque wrench 3/8 in drive, 20-100 Nm, click type", "EA", 18900, "none", 3),
    ("TW-12-340", "Torque wrench 1/2 in drive, 60-340 Nm, click type", "EA", 26400, "none", 2),
    ("DMM-CAT3", "Digital multimeter True RMS, CAT III 1000 V", "EA", 32500, "none", 4),
    ("CLAMP-600", "Clamp meter 600 A AC/DC, True RMS", "EA", 24800, "none", 2),
    ("IRT-1KV", "Insulation resistance tester 50-1000 V", "EA", 98000, "serial", 1),
    ("VT-2POLE", "Two-pole voltage tester 12-1000 V, with RCD test", "EA", 8900, "none", 4),
    ("LSA-KIT", "Laser shaft alignment system in case", "SET", 685000, "serial", 1),
    ("BTM-SONIC", "Belt tension meter, acoustic", "EA", 42000, "none", 1),
    ("VIB-PEN", "Vibration pen, ISO 10816 velocity and bearing condition", "EA", 79000, "none", 2),
    ("IR-THERM", "Infrared thermometer -30 to 650 C, laser pointer", "EA", 11900, "none", 3),
    ("TIC-320", "Thermal imaging camera 320x240", "EA", 458000, "serial", 1),
    ("PULL-3ARM", "Bearing puller set, 3-arm, 2 sizes, in case", "SET", 21500, "none", 2),
    ("PULL-HYD10", "Hydraulic puller 10 t with separator plates", "SET", 64800, "none", 1),
    ("HEAT-IND", "Induction bearing heater, up to 40 kg bearings", "EA", 312000, "serial", 1),
    ("SOCK-12-SET", "Socket set 1/2 in drive, 10-32 mm, 24 pieces", "SET", 18900, "none", 3),
    ("HEX-SET-L", "Hex key set, long arm, ball end, 1.5-10 mm", "SET", 3890, "none", 4),
    ("FEELER-SET", "Feeler gauge set 0.05-1.00 mm, 20 blades", "SET", 1690, "none", 2),
    ("GRG-500", "Grease gun, lever type, 500 cc, with flexible hose", "EA", 4280, "none", 4),
)

# --- mechanical transmission, pneumatics, fasteners --------------------------------------------

TRANSMISSION: tuple[tuple[str, str, str, int], ...] = (  # (part, description, uom, price)
    ("CH-08B-1", "Roller chain 08B-1, 1/2 in pitch, simplex, 5 m box", "M", 1480),
    ("CH-10B-1", "Roller chain 10B-1, 5/8 in pitch, simplex, 5 m box", "M", 1920),
    ("CH-12B-1", "Roller chain 12B-1, 3/4 in pitch, simplex, 5 m box", "M", 2640),
    ("CH-16B-1", "Roller chain 16B-1, 1 in pitch, simplex, 5 m box", "M", 4360),
    ("CL-08B-1", "Connecting link 08B-1, spring clip", "EA", 120),
    ("CL-10B-1", "Connecting link 10B-1, spring clip", "EA", 160),
    ("CL-12B-1", "Connecting link 12B-1, spring clip", "EA", 230),
    ("CL-16B-1", "Connecting link 16B-1, spring clip", "EA", 390),
    ("JAW-L075", "Jaw coupling spider L075, NBR 80 Shore A", "EA", 620),
    ("JAW-L090", "Jaw coupling spider L090, NBR 80 Shore A", "EA", 780),
    ("JAW-L100", "Jaw coupling spider L100, NBR 80 Shore A", "EA", 990),
    ("JAW-L110", "Jaw coupling spider L110, NBR 80 Shore A", "EA", 1240),
    ("JAW-L150", "Jaw coupling spider L150, NBR 80 Shore A", "EA", 1960),
    ("TYRE-F60", "Tyre coupling element F60, natural rubber", "EA", 3850),
    ("TYRE-F80", "Tyre coupling element F80, natural rubber", "EA", 5920),
    ("ROL-89-600", "Conveyor idler roller 89 mm x 600 mm, 6204 bearings", "EA", 2870),
    ("ROL-89-800", "Conveyor idler roller 89 mm x 800 mm, 6204 bearings", "EA", 3310),
    ("SCR-BLADE-650", "Primary belt scraper blade, polyurethane, 650 mm belt", "EA", 12800),
    ("IMP-PUMP-200", "Pump impeller 200 mm, stainless 1.4408, end suction", "EA", 64500),
    ("IMP-PUMP-250", "Pump impeller 250 mm, stainless 1.4408, end suction", "EA", 81200),
    ("WEAR-RING-65", "Pump wear ring set, 65 mm, bronze", "SET", 9450),
)
PNEUMATICS: tuple[tuple[str, str, str, int], ...] = (
    ("SV-52-14-24DC", "Solenoid valve 5/2 single, G1/4, 24 V DC", "EA", 7890),
    ("SV-53-14-24DC", "Solenoid valve 5/3 closed centre, G1/4, 24 V DC", "EA", 11240),
    ("CYL-50-100", "Pneumatic cylinder ISO 15552, 50 mm bore, 100 mm stroke", "EA", 12680),
    ("CYL-63-160", "Pneumatic cylinder ISO 15552, 63 mm bore, 160 mm stroke", "EA", 16940),
    ("FRL-12", "Filter regulator lubricator unit G1/2, with gauge", "EA", 15800),
    ("PU-6X4", "Polyurethane tubing 6x4 mm, blue", "M", 90),
    ("PU-8X6", "Polyurethane tubing 8x6 mm, blue", "M", 130),
    ("PU-10X8", "Polyurethane tubing 10x8 mm, blue", "M", 180),
    ("PIF-6-14", "Push-in fitting straight 6 mm x G1/4", "EA", 240),
    ("PIF-8-14", "Push-in fitting straight 8 mm x G1/4", "EA", 270),
    ("PIE-8-14", "Push-in fitting elbow 8 mm x G1/4", "EA", 390),
    ("SIL-14", "Sintered bronze silencer G1/4", "EA", 180),
)
FASTENERS: tuple[tuple[str, str, str, int], ...] = (
    ("HB-M8X25", "Hex bolt DIN 933 M8x25, 8.8, zinc plated", "EA", 8),
    ("HB-M8X40", "Hex bolt DIN 933 M8x40, 8.8, zinc plated", "EA", 11),
    ("HB-M10X30", "Hex bolt DIN 933 M10x30, 8.8, zinc plated", "EA", 14),
    ("HB-M10X50", "Hex bolt DIN 933 M10x50, 8.8, zinc plated", "EA", 19),
    ("HB-M12X40", "Hex bolt DIN 933 M12x40, 8.8, zinc plated", "EA", 24),
    ("HB-M12X60", "Hex bolt DIN 933 M12x60, 8.8, zinc plated", "EA", 31),
    ("HB-M16X60", "Hex bolt DIN 933 M16x60, 8.8, zinc plated", "EA", 58),
    ("HN-M8", "Hex nut DIN 934 M8, 8, zinc plated", "EA", 3),
    ("HN-M10", "Hex nut DIN 934 M10, 8, zinc plated", "EA", 4),
    ("HN-M12", "Hex nut DIN 934 M12, 8, zinc plated", "EA", 6),
    ("HN-M16", "Hex nut DIN 934 M16, 8, zinc plated", "EA", 12),
    ("WS-M8", "Flat washer DIN 125 M8, zinc plated", "EA", 2),
    ("WS-M12", "Flat washer DIN 125 M12, zinc plated", "EA", 3),
    ("SHCS-M6X20", "Socket head cap screw DIN 912 M6x20, 12.9, black", "EA", 9),
)

# --- assets: site > buildings > lines/systems > machines -------------------------------------

SITE = ("SITE-RIV", "Riverside beverage plant", "CC-4000")
# (tag, name, cost centre)
BUILDINGS: tuple[tuple[str, str, str], ...] = (
    ("BLD-PROD", "Production hall", "CC-4100"),
    ("BLD-UTIL", "Utilities building", "CC-4200"),
    ("BLD-WWT", "Wastewater and building services", "CC-4300"),
)
# (tag, name, building, cost centre)
LINES: tuple[tuple[str, str, str, str], ...] = (
    ("LINE-1", "Filling line 1 (PET 0.5 l)", "BLD-PROD", "CC-4110"),
    ("LINE-2", "Filling line 2 (glass 0.33 l)", "BLD-PROD", "CC-4120"),
    ("LINE-3", "Packaging and palletising line", "BLD-PROD", "CC-4130"),
    ("SYS-AIR", "Compressed air system", "BLD-UTIL", "CC-4210"),
    ("SYS-CHW", "Chilled water system", "BLD-UTIL", "CC-4220"),
    ("SYS-STEAM", "Steam and hot water system", "BLD-UTIL", "CC-4230"),
    ("SYS-POWER", "Power distribution", "BLD-UTIL", "CC-4240"),
    ("SYS-WWT", "Wastewater treatment", "BLD-WWT", "CC-4310"),
    ("SYS-HVAC", "Building ventilation", "BLD-WWT", "CC-4320"),
)
# (tag, name, line, machine kind, criticality 1 highest .. 4)
MACHINES: tuple[tuple[str, str, str, str, int], ...] = (
    ("FILL-01", "Rotary filler 40 valves", "LINE-1", "machine", 1),
    ("CAP-01", "Screw capper", "LINE-1", "machine", 2),
    ("LAB-01", "Wrap-around labeller", "LINE-1", "machine", 2),
    ("CONV-01", "Infeed table-top conveyor", "LINE-1", "conveyor", 2),
    ("CONV-02", "Outfeed table-top conveyor", "LINE-1", "conveyor", 3),
    ("PUMP-01", "Product transfer pump, line 1", "LINE-1", "pump", 1),
    ("FILL-02", "Rotary filler 24 valves", "LINE-2", "machine", 1),
    ("MIX-01", "Syrup mixing tank agitator", "LINE-2", "machine", 2),
    ("CONV-03", "Bottle infeed conveyor", "LINE-2", "conveyor", 2),
    ("CONV-04", "Crate conveyor", "LINE-2", "conveyor", 3),
    ("PUMP-02", "Product transfer pump, line 2", "LINE-2", "pump", 1),
    ("PACK-01", "Wrap-around case packer", "LINE-3", "machine", 2),
    ("PAL-01", "Layer palletiser", "LINE-3", "machine", 2),
    ("WRAP-01", "Rotary arm stretch wrapper", "LINE-3", "machine", 3),
    ("CONV-05", "Case conveyor", "LINE-3", "conveyor", 3),
    ("CONV-06", "Pallet roller conveyor", "LINE-3", "conveyor", 3),
    ("COMP-01", "Screw compressor 30 kW", "SYS-AIR", "compressor", 1),
    ("COMP-02", "Screw compressor 30 kW", "SYS-AIR", "compressor", 2),
    ("COMP-03", "Screw compressor 55 kW, variable speed", "SYS-AIR", "compressor", 1),
    ("DRY-01", "Refrigerant air dryer", "SYS-AIR", "chiller", 2),
    ("CHIL-01", "Water-cooled chiller 450 kW", "SYS-CHW", "chiller", 1),
    ("CHIL-02", "Water-cooled chiller 450 kW", "SYS-CHW", "chiller", 2),
    ("PUMP-03", "Chilled water pump 1", "SYS-CHW", "pump", 2),
    ("PUMP-04", "Chilled water pump 2", "SYS-CHW", "pump", 2),
    ("CT-01", "Cooling tower fan", "SYS-CHW", "fan", 2),
    ("BLR-01", "Steam boiler 2 t/h", "SYS-STEAM", "pump", 1),
    ("PUMP-05", "Boiler feedwater pump", "SYS-STEAM", "pump", 1),
    ("PUMP-06", "Hot water circulation pump", "SYS-STEAM", "pump", 3),
    ("UPS-01", "UPS 40 kVA, control room", "SYS-POWER", "ups", 1),
    ("UPS-02", "UPS 10 kVA, server room", "SYS-POWER", "ups", 2),
    ("MCC-01", "Motor control centre, production", "SYS-POWER", "panel", 1),
    ("MCC-02", "Motor control centre, utilities", "SYS-POWER", "panel", 2),
    ("PUMP-07", "Wastewater lift pump 1", "SYS-WWT", "pump", 2),
    ("PUMP-08", "Wastewater lift pump 2", "SYS-WWT", "pump", 3),
    ("BLOW-01", "Aeration blower", "SYS-WWT", "fan", 2),
    ("AGIT-01", "Equalisation tank agitator", "SYS-WWT", "machine", 3),
    ("AHU-01", "Air handling unit, production hall", "SYS-HVAC", "fan", 3),
    ("AHU-02", "Air handling unit, offices", "SYS-HVAC", "fan", 4),
    ("FAN-01", "Roof extract fan", "SYS-HVAC", "fan", 4),
)

# --- the jobs ----------------------------------------------------------------------------------

# What a machine of each kind needs, by role: the candidates the generator picks one from
# when it builds the machine (so every pump has its own bearings and seal), or a fixed
# part. `*` at the end of a candidate matches every part number starting with it.
ROLES: dict[str, tuple[str, ...]] = {
    "bearing_de": ("BRG-630*",),
    "bearing_nde": ("BRG-620*",),
    "bearing_unit": ("BRG-UCP*", "BRG-UCF*"),
    "shaft_seal": ("SEAL-*",),
    "mech_seal": ("MS-*",),
    "coupling": ("JAW-*", "TYRE-*"),
    "wedge_belt": ("VB-SPA-*", "VB-SPB-*", "VB-SPZ-*"),
    "chain": ("CH-*",),
    "air_filter": ("CAF-*",),
    "oil_filter": ("COF-*",),
    "separator": ("CSEP-*",),
    "panel_filter": ("PF-G4-*",),
    "bag_filter": ("BF-*",),
    "grease": ("GR-EP2-400", "GR-HT-400"),
    "food_grease": ("GR-H1-400",),
    "gear_oil": ("OIL-CLP*",),
    "compressor_oil": ("OIL-VDL46",),
    "chain_oil": ("OIL-H1-CHAIN",),
    "refrigerant": ("RG-R134A",),
    "drier": ("FD-083-S",),
    "contactor": ("CTR-*",),
    "overload": ("OLR-*",),
    "fuse": ("FUSE-NH00-*",),
    "control_fuse": ("FUSE-10X38-*",),
    "sensor": ("PX-*", "PE-*"),
    "valve": ("SV-*",),
    "tubing": ("PU-*",),
    "fitting": ("PIF-*", "PIE-*"),
    "vfd": ("VFD-*",),
    "motor": ("MOT-*",),
    "ups_battery": ("UPS-BAT-*",),
    "roller": ("ROL-*",),
    "bolts": ("HB-M12X40", "HB-M10X30", "HB-M16X60"),
    "threadlocker": ("CHM-TL243",),
    "cleaner": ("CHM-CC-400",),
    "torque_wrench": ("TW-38-100", "TW-12-340"),
    "multimeter": ("DMM-CAT3",),
    "clamp_meter": ("CLAMP-600",),
    "thermal_camera": ("TIC-320",),
    "puller": ("PULL-3ARM",),
    "alignment": ("LSA-KIT",),
    "belt_meter": ("BTM-SONIC",),
    "vibration_pen": ("VIB-PEN",),
    "insulation_tester": ("IRT-1KV",),
    "heater": ("HEAT-IND",),
}

# (type, title with {name}, pick list as "role qty, role qty") per machine kind
TASKS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "pump": (
        ("PM", "6-monthly PM {name}: grease bearings, check alignment", "grease 1, alignment 1"),
        (
            "CM",
            "Bearing noise on {name}, replace motor-side bearings",
            "bearing_de 1, bearing_nde 1, shaft_seal 2, grease 1, puller 1",
        ),
        (
            "CM",
            "Mechanical seal leaking on {name}",
            "mech_seal 1, coupling 1, threadlocker 1, torque_wrench 1",
        ),
        ("EM", "{name} tripped on overload, will not restart", "contactor 1, fuse 3, multimeter 1"),
        ("INSP", "Vibration route: {name}", "vibration_pen 1"),
    ),
    "compressor": (
        (
            "PM",
            "4,000 h service {name}",
            "air_filter 1, oil_filter 1, separator 1, compressor_oil 20",
        ),
        ("CM", "Oil carry-over on {name}, change separator", "separator 1, compressor_oil 5"),
        ("EM", "{name} down on drive fault", "vfd 1, control_fuse 2, multimeter 1"),
        ("INSP", "Leak survey and thermography {name}", "thermal_camera 1"),
    ),
    "conveyor": (
        ("PM", "Lubricate chain and check tension {name}", "chain_oil 1.5, food_grease 1"),
        ("CM", "Replace stretched drive chain on {name}", "chain 3.5, torque_wrench 1"),
        (
            "CM",
            "Replace head pulley bearing units {name}",
            "bearing_unit 2, bolts 8, grease 1, torque_wrench 1",
        ),
        ("CM", "Replace seized idler rollers on {name}", "roller 3"),
        (
            "EM",
            "{name} stopped: drive motor burnt out",
            "motor 1, contactor 1, insulation_tester 1",
        ),
        ("INSP", "Guarding and e-stop check {name}", "multimeter 1"),
    ),
    "chiller": (
        ("PM", "Annual service {name}", "drier 1, refrigerant 2.5, contactor 1, clamp_meter 1"),
        ("CM", "Low refrigerant charge alarm on {name}", "refrigerant 6, drier 1"),
        ("EM", "{name} compressor contactor burnt", "contactor 2, control_fuse 3, multimeter 1"),
        ("INSP", "Thermography of {name} control panel", "thermal_camera 1"),
    ),
    "fan": (
        ("PM", "Quarterly filter change {name}", "panel_filter 6, bag_filter 4"),
        ("CM", "Replace V-belts on {name}", "wedge_belt 3, belt_meter 1"),
        ("CM", "Fan bearing noise on {name}", "bearing_unit 2, grease 1, heater 1"),
        ("INSP", "Vibration and belt check {name}", "vibration_pen 1, belt_meter 1"),
    ),
    "ups": (
        ("PM", "Replace battery string on {name}", "ups_battery 4, multimeter 1"),
        ("INSP", "Battery impedance test {name}", "multimeter 1"),
        ("EM", "{name} on bypass: failed battery block", "ups_battery 2"),
    ),
    "panel": (
        ("INSP", "Thermographic survey {name}", "thermal_camera 1"),
        (
            "CM",
            "Replace contactor and overload on {name}",
            "contactor 1, overload 1, fuse 3, cleaner 1",
        ),
        ("EM", "Drive fault on a {name} feeder", "vfd 1, control_fuse 3"),
    ),
    "machine": (
        ("PM", "Weekly lubrication {name}", "food_grease 2, gear_oil 2"),
        ("CM", "Replace proximity sensor on {name}", "sensor 1, multimeter 1"),
        ("CM", "Pneumatic valve leaking on {name}", "valve 1, tubing 4, fitting 4"),
        ("CM", "Gearbox oil change and seal on {name}", "gear_oil 10, shaft_seal 1"),
        (
            "EM",
            "{name} jammed: drive overload tripped",
            "overload 1, contactor 1, control_fuse 2, multimeter 1",
        ),
        ("INSP", "Safety interlock check {name}", "multimeter 1"),
    ),
}

# parts a technician may ask for beyond the pick list, with why
EXTRAS: tuple[tuple[str, str, str], ...] = (
    ("CHM-CC-400", "1", "contacts dirty, cleaned before reassembly"),
    ("CHM-PEN-400", "1", "seized bolts on the guard"),
    ("CT-300-BK", "1", "cable tidy after the repair"),
    ("CHM-TL243", "1", "guard bolts came loose"),
    ("GR-EP2-400", "1", "bearings found dry"),
    ("HB-M12X40", "4", "bolts corroded, replaced"),
)

# reasons people give
HOLD_REASONS = (
    "waiting for the contractor's technician",
    "line running a priority order until Friday",
    "waiting for a part on back order",
    "permit to work not yet issued",
)
POSTPONE_REASONS = (
    "moved to the next planned shutdown",
    "production asked to run through the weekend",
    "scaffolding not available this week",
)
CANCEL_REASONS = (
    "duplicate of another request",
    "fault could not be reproduced",
    "asset to be replaced under the capital project",
    "covered by the supplier's warranty visit",
)
